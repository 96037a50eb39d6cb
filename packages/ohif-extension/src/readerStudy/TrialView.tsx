import React, { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import type { ReaderStudyController } from './readerStudyController.js';
import type { PreparedTrial, Side } from './studyTypes.js';

/** The keys a reader answers with; Escape or P pauses. */
export const ANSWER_KEYS: Readonly<Record<string, Side>> = { ArrowLeft: 'left', '1': 'left', ArrowRight: 'right', '2': 'right' };
const PAUSE_KEYS = new Set(['Escape', 'p', 'P']);

/** One window for both images of a trial (the real slice's 1st to 99th percentile), so brightness gives nothing away. */
function trialWindow(real: Float32Array): [number, number] {
  const sorted = Float32Array.from(real).sort();
  return [sorted[Math.floor(0.01 * (sorted.length - 1))] ?? 0, sorted[Math.ceil(0.99 * (sorted.length - 1))] ?? 1];
}

function Slice({ pixels, rows, columns, window: [lo, hi], side }: { pixels: Float32Array; rows: number; columns: number; window: [number, number]; side: Side }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ref.current || !ctx) return;
    ref.current.width = columns;
    ref.current.height = rows;
    const rgba = new Uint8ClampedArray(4 * pixels.length);
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    for (let i = 0; i < pixels.length; i++) {
      const g = (pixels[i]! - lo) * scale;
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = g;
      rgba[4 * i + 3] = 255;
    }
    ctx.putImageData(new ImageData(rgba, columns, rows), 0, 0);
  }, [pixels, rows, columns, lo, hi]);
  return <canvas ref={ref} data-testid={`reader-trial-${side}`} style={{ height: 'min(70vh, 45vw)', aspectRatio: `${columns} / ${rows}`, imageRendering: 'pixelated', background: 'black', border: '1px solid #374151' }} />;
}

/**
 * A trial, full screen over the viewer (so nothing around it hints at the answer): the real slice
 * and the model's output on the sides the plan drew, one window for both. ArrowLeft or 1, ArrowRight
 * or 2 answer; Escape or P pauses. Keys are taken before OHIF's hotkeys see them.
 */
export function TrialView({ controller, trial, position }: { controller: ReaderStudyController; trial: PreparedTrial; position: { answered: number; total: number } }) {
  const busy = useRef(false);
  useEffect(() => {
    busy.current = false;
    const onKey = (e: KeyboardEvent) => {
      const side = ANSWER_KEYS[e.key];
      if (!side && !PAUSE_KEYS.has(e.key)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.repeat || busy.current) return;
      if (!side) return controller.pause();
      busy.current = true;
      void controller.answer(side);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [controller, trial]);
  const win = trialWindow(trial.real);
  const left = trial.realSide === 'left' ? trial.real : trial.generated;
  const right = trial.realSide === 'left' ? trial.generated : trial.real;
  const button = { background: '#2563eb', color: 'white', border: 'none', borderRadius: 4, padding: '6px 16px', cursor: 'pointer', fontSize: 14 } as const;
  return createPortal(
    <div data-testid="reader-trial" data-trial={trial.index} style={{ position: 'fixed', inset: 0, zIndex: 10000, background: '#030712', color: '#e5e7eb', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 16, fontSize: 15 }}>
      <div data-testid="reader-trial-position">
        Trial {position.answered + 1} of {position.total}: which image is the real slice?
      </div>
      <div style={{ display: 'flex', gap: 24 }}>
        <Slice pixels={left} rows={trial.rows} columns={trial.columns} window={win} side="left" />
        <Slice pixels={right} rows={trial.rows} columns={trial.columns} window={win} side="right" />
      </div>
      <div style={{ display: 'flex', gap: 12 }}>
        <button type="button" style={button} data-testid="reader-choose-left" onClick={() => void controller.answer('left')}>
          Left is real (← or 1)
        </button>
        <button type="button" style={{ ...button, background: '#374151' }} data-testid="reader-pause" onClick={() => controller.pause()}>
          Pause (Esc or P)
        </button>
        <button type="button" style={button} data-testid="reader-choose-right" onClick={() => void controller.answer('right')}>
          Right is real (→ or 2)
        </button>
      </div>
      <div style={{ fontSize: 12, color: '#9ca3af' }}>Research use only. Your answers stay in this browser until the study is exported.</div>
    </div>,
    document.body,
  );
}
