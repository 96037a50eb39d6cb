import { describe, expect, it } from 'vitest';
import { readerStudyDeps as deps, READER_SETUP as SETUP } from '../testing/readerStudyDeps.js';
import { ReaderStudyController } from './readerStudyController.js';
import { ReaderStudyConfigError, ReaderStudyFormatError } from './studyErrors.js';
import { memoryStudyStore } from './studyStore.js';

describe('ReaderStudyController', () => {
  it('prepares seeded trials through the worker, keeps them, and records a reader who pauses and resumes after a reload', async () => {
    const store = memoryStudyStore();
    const t = { ms: 0 };
    const c = new ReaderStudyController(deps(store, t));
    await c.init();
    const study = await c.prepare(SETUP);
    expect(c.getState().error).toBeUndefined();
    expect(c.getState().prepared).toBe(4);
    const trials = await store.trials(study.studyId);
    expect(trials.map((x) => x.index)).toEqual([0, 1, 2, 3]);
    // The real slice is the one read; the generated one is the model's output from its noisy copy.
    for (const x of trials) expect(Array.from(x.real.subarray(0, 2))).toEqual([x.slice * 100, x.slice * 100 + 1]);
    expect(trials.filter((x) => x.realSide === 'left')).toHaveLength(2);

    expect(() => c.start()).toThrow(/reader id/);
    c.setReader('=HYPERLINK("x")');
    expect(() => c.start()).toThrow(/would read it as a formula/);
    c.setReader('alice');
    c.start();
    const first = c.getState().trial!;
    t.ms = 1200;
    const a = await c.answer(first.realSide);
    expect(a).toMatchObject({ reader: 'alice', trial: first.index, correct: true, timeMs: 1200, realSide: first.realSide, choice: first.realSide });
    t.ms = 1500;
    c.pause();
    expect(c.getState().status).toBe('paused');
    expect(c.getState().trial).toBeUndefined();

    // A reload: a new controller on the same store continues at alice's second trial.
    const again = new ReaderStudyController(deps(store, t));
    await again.init();
    again.setReader('alice');
    again.start();
    expect(again.getState().trial!.index).toBe(1);
    expect(again.getState().position).toEqual({ answered: 1, total: 4 });
    for (const _ of [1, 2, 3]) await again.answer(again.getState().trial!.realSide === 'left' ? 'right' : 'left');
    expect(again.getState().status).toBe('finished');

    // A second reader on the same machine starts from the first trial; records stay apart.
    again.setReader('bob');
    again.start();
    expect(again.getState().trial!.index).toBe(0);
    await again.answer('left');
    const s = again.getState().summary;
    expect(s.readers.map((r) => [r.reader, r.correct, r.trials])).toEqual([['alice', 1, 4], ['bob', Number(trials[0]!.realSide === 'left'), 1]]);
    expect(s.pooled!.trials).toBe(5);
  });

  it('exports CSV and JSON that import back into another browser with the same summary', async () => {
    const c = new ReaderStudyController(deps(memoryStudyStore()));
    await c.init();
    await c.prepare(SETUP);
    c.setReader('alice');
    c.start();
    for (const _ of [0, 1, 2, 3]) await c.answer('left');
    const other = new ReaderStudyController(deps(memoryStudyStore()));
    await other.init();
    expect(await other.importResults(c.exportCsv(), 'csv')).toBe(4);
    expect(other.getState().summary).toEqual(c.getState().summary);
    const third = new ReaderStudyController(deps(memoryStudyStore()));
    await third.init();
    await third.importResults(c.exportJson(), 'json');
    expect(third.getState().studies.map((s) => s.studyId)).toEqual([c.getState().studyId]);
    expect(third.getState().summary).toEqual(c.getState().summary);
    await expect(third.importResults('not,a,study\r\n', 'csv')).rejects.toThrow(ReaderStudyFormatError);
  });

  it('continues a preparation that failed midway with the trials the seed planned', async () => {
    const reference = memoryStudyStore();
    const ref = new ReaderStudyController(deps(reference));
    await ref.init();
    const refStudy = await ref.prepare(SETUP);
    const store = memoryStudyStore();
    const d = deps(store);
    const run = d.client.run;
    let calls = 0;
    d.client.run = async (r) => {
      if (++calls === 3) throw new Error('the worker crashed');
      return run(r);
    };
    const c = new ReaderStudyController(d);
    await c.init();
    const study = await c.prepare(SETUP);
    expect(c.getState().error).toBe('the worker crashed');
    expect(c.getState().prepared).toBe(2);
    c.setReader('alice');
    expect(() => c.start()).toThrow(/Only 2 of 4 trials are prepared/);
    await c.continuePreparation();
    expect(c.getState().error).toBeUndefined();
    expect(c.getState().prepared).toBe(4);
    const strip = (t: { studyId: string }) => ({ ...t, studyId: '' });
    expect((await store.trials(study.studyId)).map(strip)).toEqual((await reference.trials(refStudy.studyId)).map(strip));
  });

  it('refuses a study it cannot prepare', async () => {
    const c = new ReaderStudyController(deps(memoryStudyStore()));
    await c.init();
    await expect(c.prepare({ ...SETUP, trials: 6 })).rejects.toThrow(/6 trials need as many slices; the series picked have 5/);
    await expect(c.prepare({ ...SETUP, series: [] })).rejects.toThrow(ReaderStudyConfigError);
    await expect(c.prepare({ ...SETUP, modelUrl: '/nope/' })).rejects.toThrow(/No listed model/);
    await expect(c.prepare({ ...SETUP, task: 'inpaint' as never })).rejects.toThrow(/Allowed: super-resolve-2, super-resolve-4, denoise/);
  });
});
