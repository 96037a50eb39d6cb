import React, { useEffect, useRef, useSyncExternalStore } from 'react';
import { SAMPLERS, type SamplerName, type Task } from '../model/taskTypes.js';
import type { ControllerState, DiffusionController, ResultEntry } from '../state/diffusionController.js';
import { formatDuration, toGreyRgba } from './previewImage.js';

const TASK_CHOICES: { value: string; label: string; task: Task }[] = [
  { value: 'sr2', label: 'Super-resolve x2', task: { kind: 'super-resolve', factor: 2 } },
  { value: 'sr4', label: 'Super-resolve x4', task: { kind: 'super-resolve', factor: 4 } },
  { value: 'denoise', label: 'Denoise', task: { kind: 'denoise' } },
  { value: 'inpaint', label: 'Inpaint a region', task: { kind: 'inpaint' } },
  { value: 'translate', label: 'Translate contrast', task: { kind: 'translate', target: '' } },
];

const SAMPLER_LABELS: Record<SamplerName, string> = {
  'dpm-solver': 'DPM-Solver++ (fast, 10-25 steps)',
  ddim: 'DDIM (deterministic, 25-100 steps)',
  ddpm: 'DDPM (paper sampler, slow: hundreds of steps)',
};

function taskValue(task: Task): string {
  return task.kind === 'super-resolve' ? `sr${task.factor}` : task.kind;
}

/** Translation: the target contrast and, per source contrast, the series that holds it, with the co-registration check. */
function TranslationControls({ state, controller, running }: { state: ControllerState; controller: DiffusionController; running: boolean }) {
  const modalities = state.card?.modalities;
  if (state.task.kind !== 'translate') return null;
  if (!modalities) return <span style={s.hint}>Contrast translation needs a CDM model: choose one in the Model list.</span>;
  const { candidates, picks, check } = state.sources;
  return (
    <>
      <label style={s.row}>
        Target
        <select style={s.input} data-testid="meddiff-target" value={state.task.target} disabled={running} onChange={(e) => controller.selectTask({ kind: 'translate', target: e.target.value })}>
          {modalities.targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {modalities.sources.map((contrast) => (
        <label key={contrast} style={s.row}>
          <span style={{ minWidth: 44 }}>{contrast}</span>
          <select style={{ ...s.input, flex: 1, minWidth: 0 }} data-testid={`meddiff-source-${contrast}`} value={picks[contrast] ?? ''} disabled={running} onChange={(e) => controller.setSourceSeries(contrast, e.target.value)}>
            <option value="" disabled>
              choose the {contrast} series
            </option>
            {candidates.map((c) => (
              <option key={c.displaySetInstanceUID} value={c.displaySetInstanceUID}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      <div style={s.row}>
        <span data-testid="meddiff-source-check" data-ok={check ? String(check.ok) : ''} style={{ ...(check && !check.ok ? s.error : s.hint), flex: 1 }}>
          {check ? check.message : 'The source series are checked against the slice shown.'}
        </span>
        <button type="button" style={s.secondary} data-testid="meddiff-source-refresh" disabled={running} onClick={() => controller.refreshSources()}>
          Check
        </button>
      </div>
      <label style={s.row}>
        <input type="checkbox" data-testid="meddiff-translate-all" checked={state.sources.wholeSeries} disabled={running} onChange={(e) => controller.setOptions({ wholeSeries: e.target.checked })} />
        Every slice of the {modalities.sources[0]} series, not only this one
      </label>
      <span style={s.hint}>The sources must be co-registered series of one session; the result is a new series on the first source's grid.</span>
    </>
  );
}

const s = {
  panel: { padding: '8px 10px', color: '#e5e7eb', fontSize: 13, lineHeight: 1.4, fontFamily: 'inherit', display: 'flex', flexDirection: 'column', gap: 10 } as React.CSSProperties,
  section: { display: 'flex', flexDirection: 'column', gap: 4 } as React.CSSProperties,
  label: { color: '#9ca3af', fontSize: 11, textTransform: 'uppercase', letterSpacing: 0.4 } as React.CSSProperties,
  input: { background: '#111827', color: '#e5e7eb', border: '1px solid #374151', borderRadius: 4, padding: '3px 6px', fontSize: 13 } as React.CSSProperties,
  row: { display: 'flex', gap: 6, alignItems: 'center' } as React.CSSProperties,
  button: { background: '#2563eb', color: 'white', border: 'none', borderRadius: 4, padding: '5px 12px', cursor: 'pointer', fontSize: 13 } as React.CSSProperties,
  secondary: { background: '#374151', color: 'white', border: 'none', borderRadius: 4, padding: '5px 12px', cursor: 'pointer', fontSize: 13 } as React.CSSProperties,
  notice: { background: '#3b2f0b', color: '#fcd34d', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  error: { background: '#450a0a', color: '#fca5a5', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  card: { background: '#111827', borderRadius: 4, padding: '4px 6px', fontSize: 12 } as React.CSSProperties,
  hint: { fontSize: 12, color: '#9ca3af' } as React.CSSProperties,
};

function Preview({ pixels, rows, columns, testId, title }: { pixels: Float32Array; rows: number; columns: number; testId: string; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = columns;
    canvas.height = rows;
    ctx.putImageData(new ImageData(toGreyRgba(pixels) as Uint8ClampedArray<ArrayBuffer>, columns, rows), 0, 0);
  }, [pixels, rows, columns]);
  return <canvas ref={ref} data-testid={testId} title={title} style={{ width: '100%', imageRendering: 'pixelated', background: 'black', aspectRatio: `${columns} / ${rows}` }} />;
}

function ResultRow({ result, controller }: { result: ResultEntry; controller: DiffusionController }) {
  const storageText = { local: 'kept in this browser', storing: 'storing to the PACS…', stored: 'stored to the PACS', failed: 'store failed; kept in this browser' }[result.storage];
  return (
    <div data-testid={`meddiff-result-${result.id}`} data-storage={result.storage} style={s.card}>
      <div>
        {result.label} · {result.backend} · {formatDuration(result.elapsedMs)}
      </div>
      <div style={s.row}>
        <span data-testid={`meddiff-storage-${result.id}`}>{storageText}</span>
        {(result.storage === 'local' || result.storage === 'failed') && (
          <button type="button" style={s.secondary} data-testid={`meddiff-store-${result.id}`} onClick={() => void controller.store(result.id)}>
            {result.storage === 'failed' ? 'Retry store' : 'Store to PACS'}
          </button>
        )}
      </div>
      {result.storeError && <div style={s.error}>{result.storeError}</div>}
    </div>
  );
}

/** The Diffusion tools panel: task, model card, sampler settings, backend, run and cancel, progress, preview and results. */
export function DiffusionPanel({ controller }: { controller: DiffusionController }) {
  const state = useSyncExternalStore(
    (cb) => controller.subscribe(cb),
    () => controller.getState(),
  );
  useEffect(() => {
    void controller.init();
  }, [controller]);
  const running = state.status !== 'idle';
  const last = state.results[state.results.length - 1];
  const p = state.progress;
  const percent = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  const sampling = state.sampling;
  const num = (v: string) => Number.parseInt(v, 10);
  const translating = state.task.kind === 'translate';
  return (
    <div style={s.panel} data-testid="meddiff-panel">
      <div style={s.notice}>Research use only, not for diagnosis. Results are generated by a model and may show structures that are not there.</div>

      <div style={s.section}>
        <span style={s.label}>Task</span>
        <select
          style={s.input}
          data-testid="meddiff-task"
          value={taskValue(state.task)}
          disabled={running}
          onChange={(e) => controller.selectTask(TASK_CHOICES.find((c) => c.value === e.target.value)!.task)}
        >
          {TASK_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {state.task.kind === 'inpaint' && <span style={s.hint}>Draw a Rectangle annotation on the slice, or paint a segment of the active labelmap: that region is regenerated.</span>}
        <TranslationControls state={state} controller={controller} running={running} />
      </div>

      <div style={s.section}>
        <span style={s.label}>Model</span>
        {state.models.length > 1 && (
          <select style={s.input} data-testid="meddiff-model" value={state.modelUrl ?? ''} disabled={running} onChange={(e) => void controller.selectModel(e.target.value)}>
            {state.models.map((m) => (
              <option key={m.url} value={m.url}>
                {m.label}
              </option>
            ))}
          </select>
        )}
        <div style={s.card} data-testid="meddiff-model-card" data-status={state.modelStatus}>
          {state.modelStatus === 'loading' && <div>Loading and verifying the weights…</div>}
          {state.modelStatus === 'failed' && <div>The model could not be loaded (see below).</div>}
          {state.card && (
            <>
              <div style={{ fontWeight: 600 }}>{state.card.name}</div>
              <div>
                <b>Trained on:</b> {state.card.trainedOn}
              </div>
              <div>
                <b>Intended use:</b> {state.card.intendedUse}
              </div>
              {state.card.version && (
                <div data-testid="meddiff-model-version">
                  <b>Weights:</b> version {state.card.version}, licence {state.card.license}
                </div>
              )}
              {state.card.input && (
                <div>
                  <b>Trained for:</b> {state.card.input.modalities.join(', ')} slices ({state.card.input.planes.join(', ')})
                  {state.card.input.pixelSpacingMm && `, pixels of ${state.card.input.pixelSpacingMm[0]}-${state.card.input.pixelSpacingMm[1]} mm`}
                </div>
              )}
            </>
          )}
        </div>
      </div>

      <div style={s.section}>
        <span style={s.label}>Sampling</span>
        {translating ? (
          <span style={s.hint}>CDM draws the target's representation with DDIM (10-50 steps), then synthesises the image in one pass.</span>
        ) : (
          <select style={s.input} data-testid="meddiff-sampler" value={sampling.sampler} disabled={running} onChange={(e) => controller.setOptions({ sampler: e.target.value as SamplerName })}>
            {SAMPLERS.map((name) => (
              <option key={name} value={name}>
                {SAMPLER_LABELS[name]}
              </option>
            ))}
          </select>
        )}
        <label style={s.row}>
          {translating ? 'MDN steps' : 'Steps'}
          <input style={{ ...s.input, width: 64 }} data-testid="meddiff-steps" type="number" min={1} max={2000} value={sampling.steps} disabled={running} onChange={(e) => num(e.target.value) > 0 && controller.setOptions({ steps: num(e.target.value) })} />
          <span style={{ fontSize: 11, color: '#9ca3af' }}>more is slower and better</span>
        </label>
        <label style={s.row}>
          Seed
          <input style={{ ...s.input, width: 80 }} data-testid="meddiff-seed" type="number" min={0} value={sampling.seed} disabled={running} onChange={(e) => num(e.target.value) >= 0 && controller.setOptions({ seed: num(e.target.value) })} />
          Samples
          <input style={{ ...s.input, width: 48 }} data-testid="meddiff-samples" type="number" min={1} max={16} value={sampling.samples} disabled={running} onChange={(e) => num(e.target.value) > 0 && controller.setOptions({ samples: num(e.target.value) })} />
        </label>
        <span style={{ fontSize: 11, color: '#9ca3af' }}>Several samples give their mean and a per-pixel spread (uncertainty).</span>
      </div>

      <div style={s.section}>
        <span style={s.label}>Backend</span>
        <span data-testid="meddiff-backend" data-backend={state.backend?.backend ?? ''}>
          {state.backend ? state.backend.summary : state.backendError ? `No backend: ${state.backendError}` : 'Starting…'}
        </span>
      </div>

      <label style={s.row}>
        <input type="checkbox" data-testid="meddiff-store-to-pacs" checked={state.storeToPacs} disabled={running} onChange={(e) => controller.setOptions({ storeToPacs: e.target.checked })} />
        Store results to the PACS (STOW-RS)
      </label>

      <div style={s.row}>
        <button type="button" style={{ ...s.button, opacity: running ? 0.5 : 1 }} data-testid="meddiff-run" disabled={running} onClick={() => void controller.run()}>
          Run
        </button>
        <button type="button" style={{ ...s.secondary, opacity: running ? 1 : 0.5 }} data-testid="meddiff-cancel" disabled={!running} onClick={() => controller.cancel()}>
          Cancel
        </button>
      </div>

      {(running || state.outcome) && (
        <div style={s.section} data-testid="meddiff-progress" data-status={state.status} data-outcome={state.outcome ?? ''}>
          <progress max={100} value={running ? percent : state.outcome === 'done' ? 100 : percent} style={{ width: '100%' }} />
          <span>
            {state.status === 'cancelling'
              ? 'Cancelling…'
              : running
                ? p
                  ? `${percent} % · ${p.stage ? `${p.stage} · ` : ''}ETA ${formatDuration(p.etaMs)}`
                  : 'Preparing…'
                : state.outcome === 'done'
                  ? 'Done: the result is shown beside its source.'
                  : state.outcome === 'cancelled'
                    ? 'Cancelled; nothing was written.'
                    : 'Failed.'}
          </span>
        </div>
      )}

      {state.error && (
        <div style={s.error} data-testid="meddiff-error" data-code={state.error.code} role="alert">
          {state.error.message}
        </div>
      )}

      {last && (
        <div style={s.section}>
          <span style={s.label}>Preview</span>
          <Preview pixels={last.preview.pixels} rows={last.preview.rows} columns={last.preview.columns} testId="meddiff-preview" title="Result" />
          {last.preview.std && <Preview pixels={last.preview.std} rows={last.preview.rows} columns={last.preview.columns} testId="meddiff-preview-std" title="Per-pixel standard deviation over samples" />}
        </div>
      )}

      {state.results.length > 0 && (
        <div style={s.section}>
          <span style={s.label}>Results</span>
          {state.results.map((r) => (
            <ResultRow key={r.id} result={r} controller={controller} />
          ))}
        </div>
      )}
    </div>
  );
}
