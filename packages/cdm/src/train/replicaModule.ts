import { siblingModule } from '@meddiff/diffusion-core/node';
import type { TrainingReplicaModule } from '@meddiff/diffusion-core';
import type { CdmReplicaOptions } from './cdmReplica';

/** Where data-parallel workers find CDM's stage replicas (`cdmReplica.ts`, beside this file in source and in dist). */
export function cdmReplicaModule(options: CdmReplicaOptions): TrainingReplicaModule<CdmReplicaOptions> {
  return { url: siblingModule(import.meta.url, 'cdmReplica'), options };
}
