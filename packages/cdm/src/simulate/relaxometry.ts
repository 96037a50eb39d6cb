import { ConfigError } from '@meddiff/diffusion-core';
import type { TissueTable } from './tissues';

/**
 * Tissue NMR properties at the two clinical field strengths, as ranges a virtual subject draws from
 * (drawTissueParameters: one shared position per property, then a few per cent per tissue, so the
 * orders WM < GM < CSF of T1, T2 and PD always hold). Each range brackets the published values named
 * beside it, with a margin for the spread between methods and people: white-matter T1 at 3 T alone
 * is reported anywhere from about 0.6 to 1.1 s (Asslaender et al. 2024, who trace most of that spread
 * to magnetisation transfer); see Bojorquez et al. 2017 for a review of 3 T values.
 *
 * Sources (values quoted are the ones the ranges were built around):
 * - Stanisz GJ et al., T1, T2 relaxation and magnetization transfer in tissue at 3T, Magn Reson Med
 *   2005;54:507-512 (1.5 T and 3 T): WM T1 884 / 1084 ms, T2 72 / 69 ms; GM T1 1124 / 1820 ms,
 *   T2 95 / 99 ms; skeletal muscle T1 1008 / 1412 ms, T2 44 / 50 ms.
 * - Wansapura JP et al., NMR relaxation times in the human brain at 3.0 Tesla, J Magn Reson Imaging
 *   1999;9:531-538: WM T1 832 ms, T2 79.6 ms; GM T1 1331 ms, T2 110 ms.
 * - BrainWeb (Kwan, Evans and Pike 1999; 1.5 T): WM T1 500, T2 70, PD 0.77; GM 833, 83, 0.86; CSF
 *   2569, 329, 1; fat 350, 70; muscle 900, 47.
 * - de Bazelaire CMJ et al., MR imaging relaxation times of abdominal and pelvic tissues measured in
 *   vivo at 3.0 T, Radiology 2004;230:652-659: subcutaneous fat T1 343 / 382 ms, T2 58 / 68 ms (1.5 / 3 T).
 * - Rooney WD et al., Magnetic field and tissue dependencies of human brain longitudinal 1H2O
 *   relaxation in vivo, Magn Reson Med 2007;57:308-318: CSF T1 of about 4.3 s, nearly the same at
 *   every field (CSF is close to free water).
 * - Neeb H, Zilles K, Shah NJ, absolute water content in vivo, NeuroImage 2006;31:1156-1168: water
 *   content (PD) of WM about 0.69-0.71 and of GM about 0.80-0.83 of CSF's.
 * - CSF T2: in vivo CSF is close to free water (T2 of seconds) but measured values depend strongly on
 *   the method (flow, partial volume); 1-2 s is this simulator's assumption, not a measurement. Every
 *   T2-weighted protocol here keeps CSF brightest over the whole range.
 * - R2' (1/T2* - 1/T2): grows about linearly with the field (static dephasing, Yablonskiy and Haacke,
 *   Magn Reson Med 1994;32:749-763); 1.5-3 per second per tesla puts 3 T brain T2* at about 40-60 ms
 *   in WM and 50-75 ms in GM (with the T2 ranges below), around the values of Peters AM et al., T2*
 *   measurements in human brain at 1.5, 3 and 7 T, Magn Reson Imaging 2007;25:748-753.
 * - PD of fat and muscle: BrainWeb's (0.9-1); skull and air have no signal (BrainWeb).
 */
export const FIELD_STRENGTHS = ['1.5T', '3T'] as const;
export type FieldStrength = (typeof FIELD_STRENGTHS)[number];

/** Tesla, for the quantities that scale with the field. */
export const TESLA: Readonly<Record<FieldStrength, number>> = Object.freeze({ '1.5T': 1.5, '3T': 3 });

const R2P_PER_TESLA: [number, number] = [1.5, 3];
const r2p = (field: FieldStrength): [number, number] => [R2P_PER_TESLA[0] * TESLA[field], R2P_PER_TESLA[1] * TESLA[field]];
const none = { nominal: { t1: 1, t2: 1, pd: 0 }, range: { t1: [1, 1] as [number, number], t2: [1, 1] as [number, number], pd: [0, 0] as [number, number] } };

function fieldTable(field: FieldStrength, v: { wm: Ranges; gm: Ranges; csf: Ranges; fat: Ranges; muscle: Ranges }): TissueTable {
  const entry = (r: Ranges, source: string) => ({
    nominal: { t1: (r.t1[0] + r.t1[1]) / 2, t2: (r.t2[0] + r.t2[1]) / 2, pd: (r.pd[0] + r.pd[1]) / 2, r2Prime: (r2p(field)[0] + r2p(field)[1]) / 2 },
    range: { ...r, r2Prime: r2p(field) },
    source,
  });
  return Object.freeze({
    background: { ...none, source: 'no signal' },
    csf: entry(v.csf, 'T1: Rooney et al. 2007; T2: assumption (see relaxometry.ts); PD 0.95-1'),
    gm: entry(v.gm, field === '3T' ? 'Wansapura et al. 1999; Stanisz et al. 2005 (3 T); PD Neeb et al. 2006, BrainWeb' : 'BrainWeb; Stanisz et al. 2005 (1.5 T); PD Neeb et al. 2006, BrainWeb'),
    wm: entry(v.wm, field === '3T' ? 'Wansapura et al. 1999; Stanisz et al. 2005 (3 T); PD Neeb et al. 2006, BrainWeb' : 'BrainWeb; Stanisz et al. 2005 (1.5 T); PD Neeb et al. 2006, BrainWeb'),
    fat: entry(v.fat, 'de Bazelaire et al. 2004; BrainWeb'),
    muscle: entry(v.muscle, 'Stanisz et al. 2005 (skeletal muscle); BrainWeb'),
    skull: { ...none, source: 'BrainWeb (PD 0)' },
  });
}

interface Ranges {
  t1: [number, number];
  t2: [number, number];
  pd: [number, number];
}

const PD = { wm: [0.66, 0.77] as [number, number], gm: [0.78, 0.86] as [number, number], csf: [0.95, 1] as [number, number], tissue: [0.9, 1] as [number, number] };

export const FIELD_TISSUE_TABLES: Readonly<Record<FieldStrength, TissueTable>> = Object.freeze({
  '1.5T': fieldTable('1.5T', {
    // BrainWeb's low values to Stanisz's 1.5 T measurements, widened a little.
    wm: { t1: [500, 900], t2: [68, 78], pd: PD.wm },
    gm: { t1: [830, 1130], t2: [82, 98], pd: PD.gm },
    csf: { t1: [3700, 4500], t2: [1000, 2000], pd: PD.csf },
    fat: { t1: [300, 380], t2: [55, 72], pd: PD.tissue },
    muscle: { t1: [900, 1100], t2: [40, 50], pd: PD.tissue },
  }),
  '3T': fieldTable('3T', {
    // Wansapura's to Stanisz's 3 T values, widened a little.
    wm: { t1: [750, 1100], t2: [65, 82], pd: PD.wm },
    gm: { t1: [1300, 1850], t2: [90, 112], pd: PD.gm },
    csf: { t1: [3700, 4500], t2: [1000, 2000], pd: PD.csf },
    fat: { t1: [340, 420], t2: [60, 75], pd: PD.tissue },
    muscle: { t1: [1300, 1500], t2: [42, 55], pd: PD.tissue },
  }),
});

/**
 * The CSF T1 an operator plans inversion times with (the middle of the CSF range): a real FLAIR's TI
 * is set from a textbook CSF T1, not from the subject's, so each subject keeps a little CSF signal.
 */
export const PLANNING_CSF_T1 = 4100;

/** Gd-DTPA's r1 in plasma at 37 C, per mM per s (Rohrer M et al., Invest Radiol 2005;40:715-724): 4.1 at 1.5 T, 3.7 at 3 T. */
export const GADOLINIUM_RELAXIVITY: Readonly<Record<FieldStrength, number>> = Object.freeze({ '1.5T': 4.1, '3T': 3.7 });

export function fieldTissueTable(field: FieldStrength): TissueTable {
  const t = FIELD_TISSUE_TABLES[field];
  if (!t) throw new ConfigError(`Unknown field strength '${String(field)}'. Allowed: ${FIELD_STRENGTHS.join(', ')}.`);
  return t;
}
