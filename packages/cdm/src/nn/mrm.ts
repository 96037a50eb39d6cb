import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, UNet, type UNetConfig } from '@meddiff/diffusion-core';
import { poolAndStandardize } from './representation';

/** The U-Net layer whose output is the bottleneck: the second middle ResBlock (see diffusion-core's unet.ts). */
export const MRM_BOTTLENECK_LAYER = 'middle_res1_residual';

/**
 * MRM, the Modality-specific Representation Model: a U-Net without time input trained as a masked
 * autoencoder on one contrast at a time. `encode` reads its bottleneck through a second
 * tfjs-layers model over the same layers (weights shared, nothing copied).
 */
export class MaskedRepresentationModel {
  private readonly encoder: tfl.LayersModel;

  constructor(readonly unet: UNet) {
    if (unet.config.timeEmbedding || unet.config.conditionDim !== 0 || unet.config.inChannels !== 1 || unet.config.outChannels !== 1) {
      throw new ShapeError('MaskedRepresentationModel: the U-Net must map one channel to one, without time input or condition.');
    }
    const bottleneck = unet.model.getLayer(MRM_BOTTLENECK_LAYER).output as tfl.SymbolicTensor;
    this.encoder = tfl.model({ inputs: unet.model.inputs, outputs: bottleneck, name: 'mrm_encoder' });
  }

  static create(config: Partial<UNetConfig>): MaskedRepresentationModel {
    return new MaskedRepresentationModel(UNet.create(config));
  }

  /** Length of one representation vector: the bottleneck's channels. */
  get dim(): number {
    return this.unet.config.baseChannels * this.unet.config.channelMultipliers[this.unet.config.channelMultipliers.length - 1]!;
  }

  /** The reconstruction of (masked) images (B, H, W, 1). */
  reconstruct(images: tf.Tensor4D, training = false): tf.Tensor4D {
    return this.unet.apply({ x: images }, training);
  }

  /** Representation vectors (B, D) of images (B, H, W, 1) in [-1, 1]: pooled bottleneck, standardised per sample. */
  encode(images: tf.Tensor4D): tf.Tensor2D {
    this.checkImages('encode', images, 1);
    return tf.tidy(() => poolAndStandardize(this.encoder.apply(images, { training: false }) as tf.Tensor4D));
  }

  /**
   * One vector per channel of (B, H, W, C) images, concatenated in channel order: (B, C x D).
   * Each contrast is encoded on its own, as the MRM was trained.
   */
  encodeChannels(images: tf.Tensor4D): tf.Tensor2D {
    this.checkImages('encodeChannels', images);
    const [b, h, w, c] = images.shape;
    return tf.tidy(() => {
      const perChannel = tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [b * c, h, w, 1]) as tf.Tensor4D;
      return tf.reshape(this.encode(perChannel), [b, c * this.dim]) as tf.Tensor2D;
    });
  }

  /** Disposes the weights (the encoder shares them and is never disposed on its own). */
  dispose(): void {
    this.unet.dispose();
  }

  private checkImages(fn: string, images: tf.Tensor, channels?: number): void {
    if (images.rank !== 4) throw new ShapeError(`MRM.${fn}: expected images of rank 4 (B, H, W, C), got rank ${images.rank}.`);
    if (channels !== undefined && images.shape[3] !== channels) throw new ShapeError(`MRM.${fn}: expected ${channels} channel(s), got ${images.shape[3]}.`);
  }
}
