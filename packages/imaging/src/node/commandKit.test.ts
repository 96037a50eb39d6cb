import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EmptyVolumeError } from '../errors.js';
import { exitCodeFor, integerOption, listOption, nonNegativeOption, positiveOption } from './commandKit.js';

describe('the command kit', () => {
  it('parses options or says what they must be, as commander reports it', () => {
    expect(integerOption(1)('3')).toBe(3);
    expect(() => integerOption(1)('0')).toThrow(new InvalidArgumentError('must be an integer >= 1'));
    expect(() => integerOption(0)('2.5')).toThrow(InvalidArgumentError);
    expect(positiveOption('0.5')).toBe(0.5);
    expect(() => positiveOption('0')).toThrow(/positive/);
    expect(nonNegativeOption('0')).toBe(0);
    expect(() => nonNegativeOption('-1')).toThrow(/>= 0/);
    expect(listOption(' T1, T2,,FLAIR ')).toEqual(['T1', 'T2', 'FLAIR']);
  });

  it('exits 130 on Ctrl-C, 1 with one line for a typed error, 1 with the stack for a bug', () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    expect(exitCodeFor(Object.assign(new Error('the run was cancelled'), { code: 'CANCELLED' }), log)).toBe(130);
    expect(exitCodeFor(new EmptyVolumeError(undefined, 'nothing here\nsecond line'), log)).toBe(1);
    expect(exitCodeFor(new TypeError('x is undefined'), log)).toBe(1);
    expect(lines[0]).toBe('stopped: the run was cancelled');
    expect(lines[1]).toMatch(/^error \[EMPTY_VOLUME\]: .*nothing here$/);
    expect(lines[2]).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});
