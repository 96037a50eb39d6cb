import React, { useEffect, useState, useSyncExternalStore } from 'react';
import { s } from '../panel/styles.js';
import { SAMPLERS, type SamplerName } from '../model/taskTypes.js';
import type { ReaderStudyController } from './readerStudyController.js';
import { ResultsView } from './ResultsView.js';
import { READER_TASKS, type ReaderTaskName } from './studyTypes.js';
import { TrialView } from './TrialView.js';

const TASK_LABELS: Record<ReaderTaskName, string> = { 'super-resolve-2': 'Super-resolution x2', 'super-resolve-4': 'Super-resolution x4', denoise: 'Denoising' };
const modelTask = (t: ReaderTaskName) => (t === 'denoise' ? 'denoise' : 'super-resolve');

/** The coordinator's settings: series, task, model, trials, seed and sampling; Prepare runs the model on every trial. */
function SetupView({ controller }: { controller: ReaderStudyController }) {
  const state = useSyncExternalStore((cb) => controller.subscribe(cb), () => controller.getState());
  const [task, setTask] = useState<ReaderTaskName>('denoise');
  const [modelUrl, setModelUrl] = useState('');
  const [sampler, setSampler] = useState<SamplerName>(SAMPLERS[0]!);
  const [steps, setSteps] = useState(10);
  const [trials, setTrials] = useState(20);
  const [seed, setSeed] = useState(0);
  const [picked, setPicked] = useState<string[] | undefined>();
  const models = state.models.filter((m) => m.tasks?.includes(modelTask(task)));
  const model = models.find((m) => m.url === modelUrl) ?? models[0];
  const series = picked ?? state.candidates.map((c) => c.seriesInstanceUID);
  const busy = state.status === 'preparing' || state.status === 'reading';
  const num = (v: string) => Number.parseInt(v, 10);
  const prepare = () => {
    if (!model) return;
    controller.prepare({ task, modelUrl: model.url, sampler, steps, trials, seed, series }).catch((e: Error) => controller.reportError(e));
  };
  return (
    <div style={s.section} data-testid="reader-setup">
      <span style={s.label}>Study setup (coordinator)</span>
      <span style={s.hint}>Trials are drawn from the series of the studies opened in this mode (open several with StudyInstanceUIDs=a,b in the URL).</span>
      <div style={{ maxHeight: 120, overflowY: 'auto' }}>
        {state.candidates.map((c) => (
          <label key={c.seriesInstanceUID} style={s.row}>
            <input type="checkbox" data-testid="reader-series" data-series={c.seriesInstanceUID} checked={series.includes(c.seriesInstanceUID)} disabled={busy} onChange={(e) => setPicked(e.target.checked ? [...series, c.seriesInstanceUID] : series.filter((x) => x !== c.seriesInstanceUID))} />
            {c.label || c.seriesInstanceUID} ({c.slices} slices)
          </label>
        ))}
      </div>
      <button type="button" style={s.secondary} disabled={busy} onClick={() => controller.refreshSeries()}>
        Refresh series
      </button>
      <select style={s.input} data-testid="reader-task" value={task} disabled={busy} onChange={(e) => setTask(e.target.value as ReaderTaskName)}>
        {READER_TASKS.map((t) => (
          <option key={t} value={t}>
            {TASK_LABELS[t]}
          </option>
        ))}
      </select>
      <select style={s.input} data-testid="reader-model" value={model?.url ?? ''} disabled={busy} onChange={(e) => setModelUrl(e.target.value)}>
        {models.map((m) => (
          <option key={m.url} value={m.url}>
            {m.label}
          </option>
        ))}
      </select>
      <label style={s.row}>
        Trials
        <input style={{ ...s.input, width: 56 }} data-testid="reader-trials" type="number" min={1} value={trials} disabled={busy} onChange={(e) => num(e.target.value) > 0 && setTrials(num(e.target.value))} />
        Seed
        <input style={{ ...s.input, width: 64 }} data-testid="reader-seed" type="number" min={0} value={seed} disabled={busy} onChange={(e) => num(e.target.value) >= 0 && setSeed(num(e.target.value))} />
      </label>
      <label style={s.row}>
        <select style={s.input} data-testid="reader-sampler" value={sampler} disabled={busy} onChange={(e) => setSampler(e.target.value as SamplerName)}>
          {SAMPLERS.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        Steps
        <input style={{ ...s.input, width: 56 }} data-testid="reader-steps" type="number" min={1} value={steps} disabled={busy} onChange={(e) => num(e.target.value) > 0 && setSteps(num(e.target.value))} />
      </label>
      <button type="button" style={{ ...s.button, opacity: busy || !model ? 0.5 : 1 }} data-testid="reader-prepare" disabled={busy || !model} onClick={prepare}>
        Prepare trials
      </button>
      {state.preparing && (
        <div data-testid="reader-preparing" data-done={state.preparing.done} data-total={state.preparing.total}>
          <progress max={state.preparing.total} value={state.preparing.done} style={{ width: '100%' }} />
          {state.preparing.done} of {state.preparing.total} trials prepared
        </div>
      )}
    </div>
  );
}

/**
 * The Reader study panel: a coordinator prepares a study; a reader enters their id and reads it
 * (full screen, one trial at a time), pausing and resuming at will; results, export and import.
 */
export function ReaderStudyPanel({ controller }: { controller: ReaderStudyController }) {
  const state = useSyncExternalStore((cb) => controller.subscribe(cb), () => controller.getState());
  const [reader, setReader] = useState(state.reader);
  useEffect(() => {
    void controller.init();
  }, [controller]);
  const study = state.studies.find((x) => x.studyId === state.studyId);
  const mine = state.answers.filter((a) => a.reader === reader.trim()).length;
  const done = !!study && mine >= study.trials;
  const ready = !!study && state.prepared >= study.trials && state.status !== 'preparing' && !done;
  const start = () => {
    try {
      controller.setReader(reader);
      controller.start();
    } catch (e) {
      controller.reportError(e as Error);
    }
  };
  return (
    <div style={s.panel} data-testid="reader-panel" data-status={state.status}>
      <div style={s.notice}>Research use only. Answers are kept in this browser (IndexedDB) and leave it only when exported.</div>
      <SetupView controller={controller} />
      <div style={s.section}>
        <span style={s.label}>Study</span>
        <select style={s.input} data-testid="reader-study" value={state.studyId ?? ''} disabled={state.status === 'preparing' || state.status === 'reading'} onChange={(e) => void controller.selectStudy(e.target.value)}>
          {!state.studyId && <option value="">No study yet</option>}
          {state.studies.map((x) => (
            <option key={x.studyId} value={x.studyId}>
              {x.studyId} · {TASK_LABELS[x.task]} · {x.trials} trials
            </option>
          ))}
        </select>
        {study && (
          <span style={s.hint} data-testid="reader-study-info" data-prepared={state.prepared} data-trials={study.trials}>
            {study.modelLabel}, {study.sampler} {study.steps} steps, seed {study.seed}: {state.prepared} of {study.trials} trials prepared.
          </span>
        )}
        {study && state.prepared < study.trials && state.status !== 'preparing' && (
          <button type="button" style={s.secondary} data-testid="reader-continue" onClick={() => controller.continuePreparation().catch((e: Error) => controller.reportError(e))}>
            Continue preparing ({state.prepared} of {study.trials})
          </button>
        )}
        <label style={s.row}>
          Reader id
          <input style={{ ...s.input, flex: 1 }} data-testid="reader-id" value={reader} disabled={state.status === 'reading'} onChange={(e) => setReader(e.target.value)} />
        </label>
        <button type="button" style={{ ...s.button, opacity: ready && reader.trim() ? 1 : 0.5 }} data-testid="reader-start" disabled={!ready || !reader.trim()} onClick={start}>
          {done ? `All ${study.trials} trials answered` : mine > 0 ? `Resume (${mine} of ${study?.trials ?? 0} answered)` : 'Start reading'}
        </button>
        <span style={s.hint}>Each trial shows the real slice and the model's output; press ← or 1 if the left one is real, → or 2 if the right one is; Esc or P pauses.</span>
        {state.status === 'finished' && <span data-testid="reader-finished">Reader {state.reader} has answered every trial.</span>}
      </div>
      {state.error && (
        <div style={s.error} data-testid="reader-error" role="alert">
          {state.error}
        </div>
      )}
      <ResultsView controller={controller} state={state} />
      {state.status === 'reading' && state.trial && state.position && <TrialView controller={controller} trial={state.trial} position={state.position} />}
    </div>
  );
}
