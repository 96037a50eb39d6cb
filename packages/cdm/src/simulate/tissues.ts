/**
 * Tissue classes of the simulator and their NMR properties at 1.5 T.
 *
 * Nominal values are BrainWeb's (Collins et al. 1998; Kwan, Evans and Pike 1999; the table of
 * Aubert-Broche, Evans and Collins 2006 for the 20 anatomical models). For grey and white
 * matter, each virtual subject draws its T1 and T2 between BrainWeb's values and the 1.5 T
 * measurements of Stanisz et al. 2005 (WM T1 884 ms, T2 72 ms; GM T1 1124 ms, T2 95 ms), which
 * bracket the spread reported in the literature; the other tissues draw within +-10 % of BrainWeb.
 * Proton density is relative to water (CSF = 1). See the package README for the full table.
 *
 * A draw takes one position in each property's range shared by all tissues (a subject whose WM T1
 * is long has a long GM T1 too), then an independent jitter of a few per cent per tissue, so the
 * draws vary while tissues keep their order (e.g. WM T1 always below GM T1).
 */
export const TISSUES = ['background', 'csf', 'gm', 'wm', 'fat', 'muscle', 'skull'] as const;
export type Tissue = (typeof TISSUES)[number];

export interface TissueProperties {
  /** Longitudinal relaxation time, ms. */
  t1: number;
  /** Transverse relaxation time, ms. */
  t2: number;
  /** Proton density relative to water. */
  pd: number;
  /**
   * R2', per second: the reversible part of transverse relaxation (1/T2* = 1/T2 + R2'), which only
   * gradient echoes see. Absent (0) in the BrainWeb table, whose sequences are all spin echoes.
   */
  r2Prime?: number;
}

export interface TissueEntry {
  nominal: TissueProperties;
  /** Ranges a virtual subject draws from (uniformly). */
  range: { t1: [number, number]; t2: [number, number]; pd: [number, number]; r2Prime?: [number, number] };
  source: string;
}

/** A property table: one entry per tissue (BrainWeb's below; the published 1.5 T and 3 T ranges in relaxometry.ts). */
export type TissueTable = Readonly<Record<Tissue, TissueEntry>>;

const within = (v: number, share: number): [number, number] => [v * (1 - share), v * (1 + share)];

export const TISSUE_TABLE: Readonly<Record<Tissue, TissueEntry>> = Object.freeze({
  // No signal: air outside the head.
  background: { nominal: { t1: 1, t2: 1, pd: 0 }, range: { t1: [1, 1], t2: [1, 1], pd: [0, 0] }, source: 'no signal' },
  csf: { nominal: { t1: 2569, t2: 329, pd: 1 }, range: { t1: within(2569, 0.1), t2: within(329, 0.1), pd: [0.95, 1] }, source: 'BrainWeb (Kwan et al. 1999)' },
  gm: { nominal: { t1: 833, t2: 83, pd: 0.86 }, range: { t1: [833, 1124], t2: [83, 95], pd: within(0.86, 0.03) }, source: 'BrainWeb; Stanisz et al. 2005 (1.5 T)' },
  wm: { nominal: { t1: 500, t2: 70, pd: 0.77 }, range: { t1: [500, 884], t2: [70, 72], pd: within(0.77, 0.03) }, source: 'BrainWeb; Stanisz et al. 2005 (1.5 T)' },
  fat: { nominal: { t1: 350, t2: 70, pd: 1 }, range: { t1: within(350, 0.1), t2: within(70, 0.1), pd: [0.9, 1] }, source: 'BrainWeb (Kwan et al. 1999)' },
  muscle: { nominal: { t1: 900, t2: 47, pd: 1 }, range: { t1: within(900, 0.1), t2: within(47, 0.1), pd: [0.9, 1] }, source: 'BrainWeb muscle (Kwan et al. 1999)' },
  // BrainWeb gives skull no signal (PD 0): cortical bone's T2 is far below any echo time used here.
  skull: { nominal: { t1: 1, t2: 1, pd: 0 }, range: { t1: [1, 1], t2: [1, 1], pd: [0, 0] }, source: 'BrainWeb (PD 0)' },
} satisfies Record<Tissue, TissueEntry>);

/** One virtual subject's properties: a draw from each tissue's range. */
export type TissueParameters = Record<Tissue, TissueProperties>;

export function nominalTissueParameters(): TissueParameters {
  return Object.fromEntries(TISSUES.map((t) => [t, { ...TISSUE_TABLE[t].nominal }])) as TissueParameters;
}

/** Independent per-tissue jitter on top of the shared position in each range. */
export const TISSUE_JITTER = 0.03;

/**
 * One subject's draw from `table` (BrainWeb's by default). R2' is drawn only for tables that give
 * it, after the other draws, so the BrainWeb draws of a seed are what they always were.
 */
export function drawTissueParameters(random: { between(low: number, high: number): number }, table: TissueTable = TISSUE_TABLE): TissueParameters {
  const at = { t1: random.between(0, 1), t2: random.between(0, 1), pd: random.between(0, 1) };
  const pick = (r: [number, number], position: number) => (r[0] + position * (r[1] - r[0])) * random.between(1 - TISSUE_JITTER, 1 + TISSUE_JITTER);
  const out = Object.fromEntries(
    TISSUES.map((t) => {
      const r = table[t].range;
      return [t, { t1: pick(r.t1, at.t1), t2: pick(r.t2, at.t2), pd: Math.min(1, pick(r.pd, at.pd)) }];
    }),
  ) as TissueParameters;
  if (TISSUES.some((t) => table[t].range.r2Prime)) {
    // R2' comes from the same field inhomogeneity in every tissue (Yablonskiy and Haacke 1994): one shared position.
    const atR2 = random.between(0, 1);
    for (const t of TISSUES) {
      const r = table[t].range.r2Prime;
      if (r) out[t].r2Prime = pick(r, atR2);
    }
  }
  return out;
}
