import React from 'react';
import type { ControllerState, DiffusionController } from '../state/diffusionController.js';
import { s } from './styles.js';

/** Translation: the target contrast and, per source contrast, the series that holds it, with the co-registration check. */
export function TranslationControls({ state, controller, running }: { state: ControllerState; controller: DiffusionController; running: boolean }) {
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
        <input type="checkbox" data-testid="meddiff-translate-all" checked={state.wholeSeries} disabled={running} onChange={(e) => controller.setOptions({ wholeSeries: e.target.checked })} />
        Every slice of the {modalities.sources[0]} series, not only this one
      </label>
      <span style={s.hint}>The sources must be co-registered series of one session; the result is a new series on the first source's grid.</span>
    </>
  );
}
