// Test-only: the tolerance the issue fixes for golden values, and a record of
// the largest deviation each test file saw (printed so reports can quote it).
import { expect } from 'vitest';

export const GOLDEN_TOLERANCE = 1e-4;

export class DeviationLog {
  private readonly max = new Map<string, number>();

  constructor(private readonly label: string) {}

  /** Asserts |got - want| <= tolerance and records the deviation under `key`. */
  check(key: string, got: number, want: number, tolerance = GOLDEN_TOLERANCE): void {
    const diff = Math.abs(got - want);
    this.max.set(key, Math.max(this.max.get(key) ?? 0, diff));
    expect(diff, `${this.label} ${key}: got ${got}, golden ${want}`).toBeLessThanOrEqual(tolerance);
  }

  print(): void {
    const parts = [...this.max.entries()].map(([k, v]) => `${k} ${v.toExponential(2)}`);
    console.log(`max |diff| ${this.label}: ${parts.join(', ')}`);
  }
}
