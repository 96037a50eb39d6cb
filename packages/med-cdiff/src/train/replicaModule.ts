import { siblingModule } from '@meddiff/diffusion-core/node';
import type { TrainingReplicaModule } from '@meddiff/diffusion-core';
import type { MedCDiffReplicaOptions } from './medCDiffReplica';

/** Where data-parallel workers find Med-cDiff's replica (`medCDiffReplica.ts`, beside this file in source and in dist). */
export function medCDiffReplicaModule(options: MedCDiffReplicaOptions): TrainingReplicaModule<MedCDiffReplicaOptions> {
  return { url: siblingModule(import.meta.url, 'medCDiffReplica'), options };
}
