// @vitest-environment jsdom
import React, { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { READER_SETUP, readerStudyDeps } from '../testing/readerStudyDeps.js';
import { ReaderStudyController } from './readerStudyController.js';
import { ReaderStudyPanel } from './ReaderStudyPanel.js';
import { memoryStudyStore } from './studyStore.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
// jsdom has no canvas: the trial's images draw nothing, the rest of the view is what is tested.
HTMLCanvasElement.prototype.getContext = (() => null) as never;

const q = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  document.body.innerHTML = '';
});

async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
}

/** Types into a React-controlled input as a user would (React listens to the native value setter's input event). */
function type(el: HTMLElement | null, value: string) {
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    set.call(el, value);
    el!.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function press(key: string): Promise<KeyboardEvent> {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  await act(async () => void document.body.dispatchEvent(e));
  return e;
}

describe('ReaderStudyPanel', () => {
  it('a reader answers with the keys before the host hotkeys see them, pauses with Escape, and the results follow', async () => {
    const controller = new ReaderStudyController(readerStudyDeps(memoryStudyStore()));
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    act(() => root!.render(<ReaderStudyPanel controller={controller} />));
    await until(() => controller.getState().models.length === 1);
    await act(() => controller.prepare(READER_SETUP));
    await until(() => q('reader-study-info')?.dataset['prepared'] === '4');
    // The host's hotkeys (OHIF's Mousetrap listens on the document) must not act on the answers.
    const hostSaw: string[] = [];
    document.addEventListener('keydown', (e) => hostSaw.push(e.key));

    expect((q('reader-start') as HTMLButtonElement).disabled).toBe(true);
    type(q('reader-id'), 'alice');
    expect(q('reader-start')!.textContent).toBe('Start reading');
    act(() => q('reader-start')!.click());
    expect(q('reader-trial')).not.toBeNull();
    expect(q('reader-trial-position')!.textContent).toBe('Trial 1 of 4: which image is the real slice?');

    const first = Number(q('reader-trial')!.dataset['trial']);
    expect((await press('ArrowLeft')).defaultPrevented).toBe(true);
    await until(() => q('reader-trial-position')?.textContent?.startsWith('Trial 2 of 4') === true);
    await press('2');
    await until(() => q('reader-trial-position')?.textContent?.startsWith('Trial 3 of 4') === true);
    // Other keys are the host's.
    await press('x');
    expect(hostSaw).toEqual(['x']);
    await press('Escape');
    expect(q('reader-trial')).toBeNull();
    expect(q('reader-panel')!.dataset['status']).toBe('paused');
    expect(q('reader-start')!.textContent).toBe('Resume (2 of 4 answered)');

    const answers = controller.getState().answers;
    expect(answers.map((a) => [a.reader, a.choice])).toEqual([['alice', 'left'], ['alice', 'right']]);
    expect(answers[0]!.trial).toBe(first);
    const row = q('reader-summary-row')!;
    expect([row.dataset['reader'], row.dataset['trials'], row.dataset['correct']]).toEqual(['alice', '2', String(answers.filter((a) => a.correct).length)]);
    expect(q('reader-summary-pooled')!.dataset['trials']).toBe('2');
  });

  it('refuses to start without a prepared study and shows why', async () => {
    const controller = new ReaderStudyController(readerStudyDeps(memoryStudyStore()));
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    act(() => root!.render(<ReaderStudyPanel controller={controller} />));
    await until(() => controller.getState().models.length === 1);
    expect(q('reader-study')!.textContent).toContain('No study yet');
    expect(() => controller.start()).toThrow(/Prepare or choose a study first/);
    expect((q('reader-export-csv') as HTMLButtonElement).disabled).toBe(true);
  });
});
