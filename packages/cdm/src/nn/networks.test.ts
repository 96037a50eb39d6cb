import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, UNet } from '@meddiff/diffusion-core';
import { cdmConfig } from '../config';
import { CdmModel } from '../model';
import { randomizeWeights, testConfig } from '../testing';
import { MaskedRepresentationModel } from './mrm';
import { patchKeepMaskValues } from './patchMask';
import { poolAndStandardize, standardizeGroups } from './representation';

beforeAll(() => selectBackend({ preferred: ['wasm'] }));

describe('patch masking', () => {
  it('drops exactly the asked share of whole patches, a different choice per image, the same per seed', () => {
    const m = patchKeepMaskValues(3, 32, 32, 4, 0.75, 9);
    for (let b = 0; b < 3; b++) {
      let dropped = 0;
      for (let py = 0; py < 8; py++) {
        for (let px = 0; px < 8; px++) {
          const values = new Set<number>();
          for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) values.add(m[b * 1024 + (py * 4 + y) * 32 + px * 4 + x]!);
          expect(values.size).toBe(1);
          if (values.has(0)) dropped++;
        }
      }
      expect(dropped).toBe(48);
    }
    expect(m.subarray(0, 1024)).not.toEqual(m.subarray(1024, 2048));
    expect(patchKeepMaskValues(3, 32, 32, 4, 0.75, 9)).toEqual(m);
    expect(patchKeepMaskValues(3, 32, 32, 4, 0.75, 10)).not.toEqual(m);
    expect(() => patchKeepMaskValues(1, 30, 30, 4, 0.75, 1)).toThrow(/must divide/);
  });
});

describe('representation', () => {
  it('pools the bottleneck and standardises each sample', async () => {
    const fm = tf.randomNormal([4, 2, 2, 16], 3, 2, 'float32', 1) as tf.Tensor4D;
    const v = poolAndStandardize(fm);
    expect(v.shape).toEqual([4, 16]);
    const rows = (await v.array()) as number[][];
    for (const r of rows) {
      const mean = r.reduce((a, x) => a + x, 0) / r.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / r.length)).toBeCloseTo(1, 3);
    }
    const pooled = (await tf.mean(fm, [1, 2]).array()) as number[][];
    // Standardising is affine per row: the order of the pooled channels is kept.
    expect(rows[0]!.indexOf(Math.max(...rows[0]!))).toBe(pooled[0]!.indexOf(Math.max(...pooled[0]!)));
    const g = (await standardizeGroups(tf.concat([tf.mul(v, 5), tf.add(v, 3)], 1) as tf.Tensor2D, 2).array()) as number[][];
    expect(g[1]!.slice(0, 16).reduce((a, x) => a + x, 0)).toBeCloseTo(0, 4);
    expect(g[1]!.slice(16)[3]).toBeCloseTo(rows[1]![3]!, 4);
    tf.dispose([fm, v]);
  });

  it('MRM.encode gives one standardised D-vector per image from the shared bottleneck, per channel with encodeChannels', async () => {
    const config = cdmConfig({ size: 'tiny' });
    const mrm = MaskedRepresentationModel.create(config.mrm.unet);
    randomizeWeights(mrm.unet.model, 2);
    expect(mrm.dim).toBe(32);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 32, 32, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
    const v = mrm.encode(x);
    expect(v.shape).toEqual([2, 32]);
    const values = (await v.array()) as number[][];
    expect(values[0]!.reduce((a, b) => a + b, 0) / 32).toBeCloseTo(0, 4);
    // The encoder shares the U-Net's weights: changing them changes the vector.
    const two = tf.tidy(() => tf.concat([x, tf.neg(x)], 3)) as tf.Tensor4D;
    const both = mrm.encodeChannels(two);
    expect(both.shape).toEqual([2, 64]);
    const b = (await both.array()) as number[][];
    b[1]!.slice(0, 32).forEach((val, i) => expect(val).toBeCloseTo(values[1]![i]!, 4));
    randomizeWeights(mrm.unet.model, 3);
    const changedT = mrm.encode(x);
    const changed = (await changedT.array()) as number[][];
    expect(changed[0]![0]).not.toBeCloseTo(values[0]![0]!, 4);
    tf.dispose([x, v, two, both, changedT]);
    expect(tf.memory().numTensors).toBe(before);
    mrm.dispose();
  });
});

describe('C-UNet condition embedding', () => {
  it('has a condition MLP and a per-channel projection added in every ResBlock', () => {
    const model = CdmModel.create(testConfig());
    const names = model.cunet.model.layers.map((l) => l.name);
    expect(names).toContain('condition_embedding_dense1');
    expect(names).toContain('condition_embedding_dense2');
    const blocks = names.filter((n) => /_res\d+_conv1$/.test(n)).map((n) => n.replace(/_conv1$/, ''));
    expect(blocks.length).toBeGreaterThan(4);
    for (const b of blocks) {
      expect(names).toContain(`${b}_emb_proj`);
      expect(names).toContain(`${b}_emb_add`);
    }
    expect(names.some((n) => n.includes('time'))).toBe(false);
    model.dispose();
  });

  it('changes the output when only the representation vector changes', async () => {
    const model = CdmModel.create(testConfig());
    randomizeWeights(model.cunet.model, 4);
    const x = tf.randomUniform([1, 16, 16, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const c1 = tf.randomNormal([1, 64], 0, 1, 'float32', 2) as tf.Tensor2D;
    const c2 = tf.randomNormal([1, 64], 0, 1, 'float32', 3) as tf.Tensor2D;
    const a = model.cunet.apply({ x, condition: c1 });
    const a2 = model.cunet.apply({ x, condition: c1 });
    const b = model.cunet.apply({ x, condition: c2 });
    expect(a.shape).toEqual([1, 16, 16, 2]);
    expect((await tf.max(tf.abs(tf.sub(a, a2))).data())[0]).toBe(0);
    expect((await tf.mean(tf.abs(tf.sub(a, b))).data())[0]).toBeGreaterThan(1e-3);
    // The plain U-Net of the same size has no condition input at all.
    const plain = UNet.create({ ...model.config.cunet.unet, conditionDim: 0 });
    expect(plain.model.inputs).toHaveLength(1);
    expect(() => plain.apply({ x, condition: c1 })).toThrow(/no condition/);
    tf.dispose([x, c1, c2, a, a2, b]);
    plain.dispose();
    model.dispose();
  });
});
