import { describe, expect, it } from 'vitest';
import { DicomwebError } from '../dicomweb/dicomwebClient.js';
import { isPermanentFailure } from './processSeriesJob.js';
import { InvalidJobError, jobIdFor, parseSeriesJob } from './seriesJob.js';

const good = { study: '1.2.3', series: '1.2.3.4', task: 'super-resolution', model: 'med-cdiff-super-resolution-tiny', factor: 2, steps: 10, samples: 2, seed: 0 };

describe('a series job', () => {
  it('keeps the known fields of a valid job, and drops the rest', () => {
    expect(parseSeriesJob({ ...good, extra: 'x' })).toEqual(good);
  });

  it.each([
    [{ study: '1.2.03' }, /job.study must be a DICOM UID/],
    [{ series: 'abc' }, /job.series must be a DICOM UID/],
    [{ task: 'inpainting' }, /job.task must be one of super-resolution, denoising/],
    [{ model: '../../etc' }, /job.model must be a model folder's name/],
    [{ steps: 0 }, /job.steps must be an integer >= 1/],
    [{ samples: 1.5 }, /job.samples must be an integer >= 1/],
    [{ seed: -1 }, /job.seed must be an integer >= 0/],
    [{ factor: 1 }, /job.factor must be a number > 1/],
    [{ task: 'denoising' }, /job.factor is for super-resolution/],
  ])('refuses %j', (change, message) => {
    expect(() => parseSeriesJob({ ...good, ...change })).toThrow(InvalidJobError);
    expect(() => parseSeriesJob({ ...good, ...change })).toThrow(message);
  });

  it('has an id made of what it asks for: the same request gives the same id, another request another', () => {
    expect(jobIdFor(parseSeriesJob(good))).toBe(jobIdFor(parseSeriesJob({ ...good })));
    expect(jobIdFor(parseSeriesJob({ ...good, seed: 1 }))).not.toBe(jobIdFor(parseSeriesJob(good)));
    expect(jobIdFor(parseSeriesJob(good))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is retried after failures that may pass, not after those that cannot', () => {
    expect(isPermanentFailure(new InvalidJobError('x'))).toBe(true);
    expect(isPermanentFailure(new DicomwebError('not found', 404))).toBe(true);
    expect(isPermanentFailure(new DicomwebError('busy', 503))).toBe(false);
    expect(isPermanentFailure(new DicomwebError('unreachable', 0))).toBe(false);
    expect(isPermanentFailure(new TypeError('a bug'))).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error('stopped'), { code: 'CANCELLED' }))).toBe(false);
  });
});
