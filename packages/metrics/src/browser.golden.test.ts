import { chromium, type Browser, type Page } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserImage, BrowserRun } from './testing/browserEntry';
import { golden, loadImage, loadInpaintMask, PAIRS, segmentation, stack } from './testing/fixtures';
import { DeviationLog } from './testing/tolerance';

// The library bundled for the browser (vite, browser field resolution) and run in Debian's
// Chromium: the CPU, WebGL and WebGPU backends (SwiftShader here), against the same golden values.
const HERE = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: join(HERE, 'testing', 'browserEntry.ts'), formats: ['iife'], name: 'metricsBrowserTest' },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('vite produced no bundle');
  return chunk.code;
}

const plain = (x: { data: ArrayLike<number>; shape: number[] }): BrowserImage => ({ data: Array.from(x.data), shape: x.shape });

describe('in Chromium (bundled with vite)', () => {
  let browser: Browser;
  let page: Page;
  const log = new DeviationLog('browser');

  beforeAll(async () => {
    const code = await bundle();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-gpu-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    // WebGPU exists only in secure contexts: serve the page as http://localhost, answered
    // here by route interception (nothing listens on that port; nothing leaves the machine).
    await page.route('http://localhost:9/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>metrics</title><script>${code}</script>` }),
    );
    await page.goto('http://localhost:9/');
    expect(await page.evaluate(() => typeof (globalThis as { runMetrics?: unknown }).runMetrics)).toBe('function');
  });

  afterAll(async () => {
    log.print();
    await browser?.close(); // playwright deletes the fresh profile it made
  });

  for (const backend of ['cpu', 'webgl', 'webgpu'] as const) {
    it(`matches the golden values on the ${backend} backend, leaking no tensors`, async () => {
      const ref = loadImage('2d', 'reference');
      const args = [
        backend,
        plain(stack(PAIRS.map(() => ref))),
        plain(stack(PAIRS.map((p) => loadImage('2d', p)))),
        plain(loadInpaintMask('2d')),
        plain(segmentation(ref)),
        plain(segmentation(loadImage('2d', 'blur'))),
      ] as const;
      const result = await page.evaluate(
        async (a) => (globalThis as unknown as { runMetrics: (...x: unknown[]) => Promise<BrowserRun> }).runMetrics(...a),
        args,
      );
      expect(result.backend).toBe(backend);
      expect(result.leakedTensors).toBe(0);
      const g = golden['2d'];
      PAIRS.forEach((p, i) => {
        const at = (k: string) => result.values[k]?.[i] as number;
        log.check(`${backend} ssim`, at('ssim'), g.pairs[p].full.ssim);
        log.check(`${backend} ssim masked`, at('ssim_masked'), g.pairs[p].masked.ssim);
        log.check(`${backend} ms-ssim`, at('ms_ssim'), g.pairs[p].full.ms_ssim as number);
        log.check(`${backend} psnr`, at('psnr'), g.pairs[p].full.psnr);
        log.check(`${backend} psnr masked`, at('psnr_masked'), g.pairs[p].masked.psnr);
        log.check(`${backend} accutance`, at('accutance'), g.accutance[p].full);
      });
      log.check(`${backend} dice`, result.values.dice?.[0] as number, g.pairs.blur.segmentation.dice);
      log.check(`${backend} hd95`, result.values.hd95?.[0] as number, g.pairs.blur.segmentation.hd95_iso);
    });
  }
});
