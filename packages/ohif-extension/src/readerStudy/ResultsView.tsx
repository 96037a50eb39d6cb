import React, { useState } from 'react';
import { s } from '../panel/styles.js';
import type { ReaderStudyController, ReaderStudyState } from './readerStudyController.js';
import type { AccuracySummary } from './readerSummary.js';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function Row({ r, testId }: { r: AccuracySummary; testId: string }) {
  return (
    <tr data-testid={testId} data-reader={r.reader} data-correct={r.correct} data-trials={r.trials} data-accuracy={r.accuracy} data-ci-low={r.ci95.low} data-ci-high={r.ci95.high} data-p={r.pValue}>
      <td>{r.reader}</td>
      <td>
        {r.correct}/{r.trials}
      </td>
      <td>{pct(r.accuracy)}</td>
      <td>
        {pct(r.ci95.low)} – {pct(r.ci95.high)}
      </td>
      <td>{r.pValue < 0.001 ? '< 0.001' : r.pValue.toFixed(3)}</td>
    </tr>
  );
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Per-reader and pooled accuracy (Wilson 95 % interval, exact binomial test against 50 %), export and import. */
export function ResultsView({ controller, state }: { controller: ReaderStudyController; state: ReaderStudyState }) {
  const [message, setMessage] = useState<string>();
  const { readers, pooled } = state.summary;
  const name = state.studyId ?? 'reader-study';
  const onImport = async (file: File | undefined) => {
    if (!file) return;
    try {
      const n = await controller.importResults(await file.text(), file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv');
      setMessage(`Imported ${n} answers from ${file.name}.`);
    } catch (e) {
      setMessage(`${file.name} was not imported: ${(e as Error).message}`);
    }
  };
  return (
    <div style={s.section} data-testid="reader-results">
      <span style={s.label}>Results</span>
      <span style={s.hint}>Share of trials where the reader picked the real slice; 50 % means the model's output could not be told apart. Interval: Wilson 95 %; p: exact two-sided binomial test against 50 %.</span>
      {readers.length === 0 ? (
        <span style={s.hint}>No answers yet.</span>
      ) : (
        <table style={{ fontSize: 12, borderSpacing: '6px 2px' }} data-testid="reader-summary">
          <thead>
            <tr style={{ color: '#9ca3af', textAlign: 'left' }}>
              <th>Reader</th>
              <th>Correct</th>
              <th>Accuracy</th>
              <th>95 % CI</th>
              <th>p</th>
            </tr>
          </thead>
          <tbody>
            {readers.map((r) => (
              <Row key={r.reader} r={r} testId="reader-summary-row" />
            ))}
            {pooled && <Row r={pooled} testId="reader-summary-pooled" />}
          </tbody>
        </table>
      )}
      <div style={s.row}>
        <button type="button" style={s.secondary} data-testid="reader-export-csv" disabled={!state.answers.length} onClick={() => download(`${name}-answers.csv`, controller.exportCsv(), 'text/csv')}>
          Export CSV
        </button>
        <button type="button" style={s.secondary} data-testid="reader-export-json" disabled={!state.studyId} onClick={() => download(`${name}.json`, controller.exportJson(), 'application/json')}>
          Export JSON
        </button>
      </div>
      <label style={s.row}>
        Import
        <input type="file" accept=".csv,.json" data-testid="reader-import" onChange={(e) => void onImport(e.target.files?.[0])} />
      </label>
      {message && (
        <span style={s.hint} data-testid="reader-import-message">
          {message}
        </span>
      )}
    </div>
  );
}
