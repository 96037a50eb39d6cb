import * as tf from '@tensorflow/tfjs-core';
import { gaussianTaps, separableFilterValid } from '../ops/gaussianFilter';

/** Wang et al. 2004: Gaussian window sigma 1.5, 11 taps (radius 5), K1 0.01, K2 0.03. */
export const SSIM_SIGMA = 1.5;
export const SSIM_RADIUS = 5;
export const SSIM_WINDOW = 2 * SSIM_RADIUS + 1;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

export interface SsimMaps {
  /** Luminance term l (Wang et al. 2004, eq. 6), `[N, ...spatial - 10]`. */
  readonly luminance: tf.Tensor;
  /** Contrast-structure term c*s (eqs. 9 and 10 with C3 = C2/2), same shape. */
  readonly contrastStructure: tf.Tensor;
}

/**
 * The two SSIM factors for every pixel whose whole 11-wide Gaussian window lies
 * inside the image (the pixels scikit-image keeps after cropping its border).
 * Weighted moments use population (not sample) covariance, as Wang et al.
 * `x`, `y`: float32 `[N, H, W]` or `[N, D, H, W]`, each spatial size >= 11.
 */
export function ssimMaps(x: tf.Tensor, y: tf.Tensor, dataRange: number): SsimMaps {
  const n = x.shape[0] as number;
  const axes = x.shape.slice(1).map((_, i) => i + 1);
  // Moments are taken about a per-image constant: variances are unchanged and
  // float32 loses less to cancellation in E[x^2] - E[x]^2.
  const centre = tf.mean(x, axes, true);
  const xc = tf.sub(x, centre);
  const yc = tf.sub(y, centre);
  const filtered = separableFilterValid(
    tf.concat([xc, yc, tf.square(xc), tf.square(yc), tf.mul(xc, yc)], 0),
    gaussianTaps(SSIM_SIGMA, SSIM_RADIUS),
  );
  const [mx, my, exx, eyy, exy] = tf.split(filtered, [n, n, n, n, n], 0) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  const c1 = (SSIM_K1 * dataRange) ** 2;
  const c2 = (SSIM_K2 * dataRange) ** 2;
  const varX = tf.sub(exx, tf.square(mx));
  const varY = tf.sub(eyy, tf.square(my));
  const cov = tf.sub(exy, tf.mul(mx, my));
  const muX = tf.add(mx, centre);
  const muY = tf.add(my, centre);
  const luminance = tf.div(
    tf.add(tf.mul(2, tf.mul(muX, muY)), c1),
    tf.add(tf.add(tf.square(muX), tf.square(muY)), c1),
  );
  const contrastStructure = tf.div(tf.add(tf.mul(2, cov), c2), tf.add(tf.add(varX, varY), c2));
  return { luminance, contrastStructure };
}
