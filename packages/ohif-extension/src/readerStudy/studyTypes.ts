import type { SamplerName, SrFactor } from '../model/taskTypes.js';

/** The tasks a reader study compares: those that turn a degraded slice into one of the real slice's size. */
export const READER_TASKS = ['super-resolve-2', 'super-resolve-4', 'denoise'] as const;
export type ReaderTaskName = (typeof READER_TASKS)[number];

export const SIDES = ['left', 'right'] as const;
export type Side = (typeof SIDES)[number];

/** One series the coordinator picked: where trials may be drawn from. */
export interface StudySeries {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** Its slices, in order along the series' normal. */
  slices: number;
  label?: string;
}

/** What a coordinator chose: plain data, kept with the study and in its exports. */
export interface StudyConfig {
  studyId: string;
  createdAt: string;
  task: ReaderTaskName;
  modelUrl: string;
  modelLabel: string;
  sampler: SamplerName;
  steps: number;
  trials: number;
  seed: number;
  series: StudySeries[];
}

/** One trial of the plan: which slice, which side the real one is shown on, and the seed of its degradation and sampling. */
export interface PlannedTrial {
  index: number;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  slice: number;
  realSide: Side;
  seed: number;
}

/** A prepared trial: the real slice and the model's output from its degraded copy, on one grid. */
export interface PreparedTrial extends PlannedTrial {
  studyId: string;
  rows: number;
  columns: number;
  real: Float32Array;
  generated: Float32Array;
}

/** A reader's answer to one trial: which side they took for the real slice, and how long they looked. */
export interface Answer {
  studyId: string;
  reader: string;
  trial: number;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  slice: number;
  task: ReaderTaskName;
  realSide: Side;
  choice: Side;
  correct: boolean;
  timeMs: number;
  answeredAt: string;
}

export function factorOf(task: ReaderTaskName): SrFactor | undefined {
  return task === 'super-resolve-2' ? 2 : task === 'super-resolve-4' ? 4 : undefined;
}
