import { resolveUNetConfig, UNet, type UNetConfig } from '@meddiff/diffusion-core';
import type { CdmConfig } from '../config';

/**
 * The regression baseline: the C-UNet's architecture without the Condition Embedding (no
 * representation vector), trained on the same pairs with the same loss. What CDM gains over it
 * is what the cross-conditioning adds.
 */
export function plainUNetConfig(config: CdmConfig): UNetConfig {
  return resolveUNetConfig({ ...config.cunet.unet, conditionDim: 0 });
}

export function createPlainUNet(config: CdmConfig): UNet {
  return UNet.create(plainUNetConfig(config));
}

export const BASELINE_MODEL_CLASS = 'CDM-Baseline-UNet';
