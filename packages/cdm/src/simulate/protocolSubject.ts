import { ConfigError } from '@meddiff/diffusion-core';
import { SIMULATED_MODALITIES, type SimulatedModality } from '../modalities';
import { SimulationError } from '../errors';
import { validateAcquisition, type Acquisition } from './acquisition';
import { checkContrastCharacter } from './contrastCharacter';
import { DEFAULT_PROTOCOL_SPLIT, distanceToTraining, drawProtocolValues, validateProtocolSplit, type ProtocolSplitPlan, type SplitName } from './protocolCells';
import { PROTOCOL_CONTRASTS, PROTOCOL_RANGES, variantIds, type ProtocolContrast, type ProtocolParameter, type SequenceVariant, type VariantId } from './protocolRanges';
import { seededRandom, type Random } from './random';
import { FIELD_STRENGTHS, fieldTissueTable, GADOLINIUM_RELAXIVITY, PLANNING_CSF_T1, type FieldStrength } from './relaxometry';
import { nullingInversionTime, validateSequence, type ContrastSpec, type Sequence } from './sequences';
import { drawTissueParameters, type TissueParameters } from './tissues';
import { DEFAULT_SUBJECT_RANGES, validateSubjectRanges, type VirtualSubject, type VirtualSubjectRanges } from './virtualSubject';

/** How protocol-varied virtual subjects are drawn. Plain data: saved in the dataset manifest. */
export interface ProtocolPlan {
  /** Field strengths drawn from (uniformly, per subject). */
  fieldStrengths: FieldStrength[];
  split: ProtocolSplitPlan;
  /** Variants only the test split draws (e.g. 'T1/inversion-recovery'): a sequence family never trained on. */
  testOnlyVariants: VariantId[];
  /** Ranges of the acquisition geometry, drawn per subject. */
  sliceThicknessMm: [number, number];
  resolutionScale: [number, number];
  /** Gadolinium in muscle and skin for T1ce, mM (see sequences.ts: nothing in the brain enhances). */
  muscleGadoliniumMm: number;
}

export const DEFAULT_PROTOCOL_PLAN: Readonly<ProtocolPlan> = Object.freeze({
  fieldStrengths: [...FIELD_STRENGTHS],
  split: { ...DEFAULT_PROTOCOL_SPLIT },
  testOnlyVariants: [],
  // 3-D acquisitions near 1 mm to 2-D slices of 4 mm.
  sliceThicknessMm: [1, 4],
  // Acquired matrices from the reconstructed one down to two thirds of it.
  resolutionScale: [1, 1.5],
  muscleGadoliniumMm: 0.15,
} satisfies ProtocolPlan);

export function validateProtocolPlan(p: ProtocolPlan): void {
  if (!p.fieldStrengths.length || p.fieldStrengths.some((f) => !FIELD_STRENGTHS.includes(f))) throw new ConfigError(`fieldStrengths must be among ${FIELD_STRENGTHS.join(', ')}, got ${p.fieldStrengths.join(', ')}.`);
  validateProtocolSplit(p.split);
  const known = variantIds();
  for (const v of p.testOnlyVariants) if (!known.includes(v)) throw new ConfigError(`Unknown sequence variant '${v}'. Known: ${known.join(', ')}.`);
  for (const c of PROTOCOL_CONTRASTS) if (PROTOCOL_RANGES[c].every((v) => p.testOnlyVariants.includes(`${c}/${v.kind}`))) throw new ConfigError(`Every ${c} variant is test-only; leave at least one for training.`);
  for (const [name, [lo, hi]] of [['sliceThicknessMm', p.sliceThicknessMm], ['resolutionScale', p.resolutionScale]] as const) if (!(lo > 0 && hi >= lo)) throw new ConfigError(`${name} must be a range 0 < low <= high, got [${lo}, ${hi}].`);
  validateAcquisition({ sliceThicknessMm: p.sliceThicknessMm[0], resolutionScale: p.resolutionScale[0] });
  validateAcquisition({ sliceThicknessMm: p.sliceThicknessMm[1], resolutionScale: p.resolutionScale[1] });
}

/** One contrast's drawn protocol, as recorded in the dataset for evaluation against protocol distance. */
export interface DrawnProtocol {
  variant: SequenceVariant['kind'];
  /** The free parameters (protocolRanges.ts): ms, degrees, or TI as a factor of the CSF null. */
  parameters: Partial<Record<ProtocolParameter, number>>;
  /** Bin index per parameter (-1 / bins: beyond the range) and the split the cell belongs to. */
  cell: number[];
  cellSplit: SplitName;
  /** Beyond the whole range on one parameter (test only). */
  outsideRange: boolean;
  /** Whether training draws this variant at all. */
  variantTrained: boolean;
  /** Distance to the nearest training cell in units of range width (0 inside one); null for a variant never trained on. */
  distanceToTraining: number | null;
  /** The sequence with every time in ms (TI resolved). */
  sequence: Sequence;
  /** Draws it took to find a setting that keeps the contrast's character for this subject. */
  attempts: number;
}

export interface ProtocolSubject extends VirtualSubject {
  split: SplitName;
  fieldStrength: FieldStrength;
  /** Tissue draws it took to find one for which every contrast has a protocol keeping its character (1 mostly). */
  tissueDraws: number;
  acquisition: Acquisition;
  protocols: Record<ProtocolContrast, DrawnProtocol>;
  contrasts: Readonly<Record<SimulatedModality, ContrastSpec>>;
}

/** Protocol draws per contrast before the subject's tissues are drawn again. */
const MAX_ATTEMPTS = 60;
/** Tissue draws per subject before giving up (each tried with every contrast). */
const MAX_TISSUE_DRAWS = 20;

function isValidSequence(seq: Sequence): boolean {
  try {
    validateSequence(seq);
    return true;
  } catch {
    return false;
  }
}

function sequenceOf(variant: SequenceVariant, v: Partial<Record<ProtocolParameter, number>>): Sequence {
  const tr = v.tr!;
  const te = v.te!;
  switch (variant.kind) {
    case 'spin-echo':
      return { kind: 'spin-echo', tr, te };
    case 'spoiled-gradient-echo':
      return { kind: 'spoiled-gradient-echo', tr, te, flip: v.flip! };
    case 'inversion-recovery':
      return { kind: 'inversion-recovery', tr, te, ti: v.tiFactor! * nullingInversionTime(PLANNING_CSF_T1, tr) };
  }
}

function drawContrastProtocol(contrast: ProtocolContrast, split: SplitName, tissues: TissueParameters, plan: ProtocolPlan, random: Random): DrawnProtocol {
  const variants = PROTOCOL_RANGES[contrast].filter((v) => split === 'test' || !plan.testOnlyVariants.includes(`${contrast}/${v.kind}`));
  let last = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const variant = variants[Math.min(variants.length - 1, Math.floor(random.uniform() * variants.length))]!;
    const { values, cell, outside } = drawProtocolValues(variant, split, random, plan.split);
    const sequence = sequenceOf(variant, values);
    // Independent draws can cross (TE beyond a short TR, beyond the range's end): such a setting is no protocol, draw again.
    if (!isValidSequence(sequence)) {
      last = `${variant.kind}: TE ${sequence.te.toFixed(1)} ms not below TR ${sequence.tr.toFixed(1)} ms`;
      continue;
    }
    const check = checkContrastCharacter(contrast, { sequence, description: '' }, tissues);
    if (!check.ok) {
      last = `${variant.kind}: ${check.reason}`;
      continue;
    }
    const trained = !plan.testOnlyVariants.includes(`${contrast}/${variant.kind}`);
    return {
      variant: variant.kind,
      parameters: values,
      cell,
      cellSplit: split,
      outsideRange: outside,
      variantTrained: trained,
      distanceToTraining: trained ? distanceToTraining(variant, values, plan.split.bins) : null,
      sequence,
      attempts: attempt,
    };
  }
  throw new SimulationError(`No ${split} ${contrast} protocol kept its character for this subject in ${MAX_ATTEMPTS} draws (last: ${last}); the tissue or protocol ranges disagree, narrow them in relaxometry.ts or protocolRanges.ts.`);
}

function describe(contrast: SimulatedModality, field: FieldStrength, p: DrawnProtocol): string {
  const s = p.sequence;
  const ti = s.kind === 'inversion-recovery' ? `, TI ${Math.round(s.ti as number)} ms` : '';
  const flip = s.kind === 'spoiled-gradient-echo' ? `, ${s.flip.toFixed(0)} degrees` : '';
  return `${contrast} at ${field}: ${p.variant}, TR ${s.tr.toFixed(0)} ms, TE ${s.te.toFixed(1)} ms${ti}${flip}`;
}

/**
 * A virtual subject for training on contrast rather than on one protocol: the field strength
 * (uniformly from the plan's), tissue properties from that field's published ranges, the smooth
 * variation, noise and bias levels as drawVirtualSubject draws them, the acquisition geometry, and
 * one protocol per contrast from the cells of its `split` (protocolCells.ts). T1ce reuses the T1
 * protocol with gadolinium. The same seed and split give the same subject.
 */
export function drawProtocolSubject(seed: number, split: SplitName, plan: ProtocolPlan = DEFAULT_PROTOCOL_PLAN, ranges: VirtualSubjectRanges = DEFAULT_SUBJECT_RANGES): ProtocolSubject {
  validateSubjectRanges(ranges);
  validateProtocolPlan(plan);
  const random = seededRandom(seed);
  const field = plan.fieldStrengths[Math.min(plan.fieldStrengths.length - 1, Math.floor(random.fork(11).uniform() * plan.fieldStrengths.length))]!;
  const geometry = random.fork(12);
  const acquisition: Acquisition = { sliceThicknessMm: geometry.between(...plan.sliceThicknessMm), resolutionScale: geometry.between(...plan.resolutionScale) };
  // Some corners of the tissue ranges (long WM and GM T1 at 1.5 T with a high GM proton density) give
  // no T1 contrast with any protocol of a split; such a subject is drawn again, so the data hold only
  // tissue-protocol pairs that look like the contrast they are named for. `tissueDraws` records it.
  let failure: unknown;
  for (let d = 0; d < MAX_TISSUE_DRAWS; d++) {
    const tissues = drawTissueParameters(random.fork(d === 0 ? 1 : 1000 + d), fieldTissueTable(field));
    let protocols: Record<ProtocolContrast, DrawnProtocol>;
    try {
      protocols = Object.fromEntries(PROTOCOL_CONTRASTS.map((c, i) => [c, drawContrastProtocol(c, split, tissues, plan, random.fork(20 + i + 100 * d))])) as Record<ProtocolContrast, DrawnProtocol>;
    } catch (e) {
      if (!(e instanceof SimulationError)) throw e;
      failure = e;
      continue;
    }
    return assemble(seed, split, field, tissues, d + 1, acquisition, protocols, plan, random, ranges);
  }
  throw new SimulationError(`Virtual subject ${seed} (${split}, ${field}): no tissue draw in ${MAX_TISSUE_DRAWS} had protocols that keep every contrast's character (${failure instanceof Error ? failure.message : String(failure)}).`);
}

function assemble(seed: number, split: SplitName, field: FieldStrength, tissues: TissueParameters, tissueDraws: number, acquisition: Acquisition, protocols: Record<ProtocolContrast, DrawnProtocol>, plan: ProtocolPlan, random: Random, ranges: VirtualSubjectRanges): ProtocolSubject {
  const contrasts = Object.fromEntries(
    SIMULATED_MODALITIES.map((m) => {
      if (m === 'T1ce') {
        return [m, { sequence: protocols.T1.sequence, contrastAgent: { relaxivity: GADOLINIUM_RELAXIVITY[field], concentration: { muscle: plan.muscleGadoliniumMm } }, description: `${describe('T1', field, protocols.T1)}, after gadolinium (enhancing muscle and skin only)` }];
      }
      return [m, { sequence: protocols[m].sequence, description: describe(m, field, protocols[m]) }];
    }),
  ) as Record<SimulatedModality, ContrastSpec>;
  return {
    seed,
    split,
    fieldStrength: field,
    tissueDraws,
    tissues,
    variability: random.between(...ranges.variability),
    noiseLevel: random.between(...ranges.noiseLevel),
    biasLevel: random.between(...ranges.biasLevel),
    acquisition,
    protocols,
    contrasts,
  };
}
