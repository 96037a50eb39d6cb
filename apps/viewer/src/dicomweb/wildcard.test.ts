import { describe, expect, it } from 'vitest';
import { checkPattern, MAX_PATTERN_LENGTH, wildcardMatch } from './wildcard.js';

describe('wildcardMatch', () => {
  it('matches * and ? as DICOM defines them, case-insensitively', () => {
    expect(wildcardMatch('fix*', 'Fixture^Patient')).toBe(true);
    expect(wildcardMatch('*patient', 'Fixture^Patient')).toBe(true);
    expect(wildcardMatch('F?xture*', 'Fixture^Patient')).toBe(true);
    expect(wildcardMatch('F?xture', 'Fixture^Patient')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('?', '')).toBe(false);
    expect(wildcardMatch('a*b*c', 'aXXbYYc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXXcYYb')).toBe(false);
    // Characters that mean something in a regular expression mean nothing here.
    expect(wildcardMatch('1.2.*', '1.2.3')).toBe(true);
    expect(wildcardMatch('1.2.*', '1x2x3')).toBe(false);
    expect(wildcardMatch('(a|b)+', '(a|b)+')).toBe(true);
  });

  it('answers the pattern that blew up the regular expression at once', () => {
    const value = 'x'.repeat(10_240); // an LT value at its longest
    const pattern = `${'*?'.repeat(100)}Q`;
    const t0 = performance.now();
    expect(wildcardMatch(pattern, value)).toBe(false);
    // Not a speed goal (those live in bench/): a regular expression takes minutes here, the matcher milliseconds.
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuses matching values longer than the cap', () => {
    expect(() => checkPattern('a'.repeat(MAX_PATTERN_LENGTH))).not.toThrow();
    expect(() => checkPattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(/at most 256/);
  });
});
