import { sliceProblem, type SliceInput } from '@meddiff/imaging';
import { InvalidInputError } from '../errors';

export type { SliceInput };

/** Refuses a slice the pipeline cannot take, with InvalidInputError (imaging's sliceProblem says why). */
export function validateSlice(fn: string, image: SliceInput): void {
  const problem = sliceProblem(image, 'the slice', 2);
  if (problem) throw new InvalidInputError(`${fn}: ${problem}`);
}
