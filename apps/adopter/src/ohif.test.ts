import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import satisfies from 'semver/functions/satisfies.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { runIn } from './run.js';
import { serveFolders } from './staticServer.js';
import { prebuiltOhifApp } from './testData.js';
import { unpack } from './unpack.js';
import { REPO_ROOT, type PackageJson } from './workspace.js';

const { ohifApp, tarballs } = inject('adopter');
const EXTENSION = '@meddiff/ohif-extension';
const MODE = '@meddiff/ohif-mode';
/** The @ohif/core inside the prebuilt app the viewer serves, and the one these tests install. */
const TESTED_CORE = '3.13.2';

function packed(name: string): { dir: string; manifest: PackageJson } {
  const dir = unpack(tarballs.find((t) => t.name === name)!.file);
  return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson };
}

/** A deployment folder laid out by the README's deploy.sh from the packages the OHIF app installed. */
let deployment: string;
beforeAll(async () => {
  deployment = mkdtempSync(join(tmpdir(), 'meddiff-ohif-deployment-'));
  copyFileSync(join(REPO_ROOT, 'apps/adopter/recipes/ohif/deploy.sh'), join(ohifApp, 'deploy.sh'));
  await runIn(ohifApp, 'sh', ['deploy.sh', deployment]);
});

describe('the OHIF extension and mode, packed', () => {
  it("follow OHIF's plugin rules: keywords, the mode's extension among its peers, a stated @ohif/core range", () => {
    const extension = packed(EXTENSION).manifest;
    const mode = packed(MODE).manifest;
    // platform/cli's validate.js: an extension or mode is a package whose keywords say so.
    expect(extension.keywords).toContain('ohif-extension');
    expect(mode.keywords).toContain('ohif-mode');
    // findRequiredOhifExtensionsForMode.js: the extensions a mode needs are its peers that are extensions.
    expect(satisfies(extension.version, mode.peerDependencies![EXTENSION]!)).toBe(true);
    for (const m of [extension, mode]) {
      expect(satisfies(TESTED_CORE, m.peerDependencies!['@ohif/core']!), m.name).toBe(true);
    }
    expect(extension.peerDependencies).toMatchObject({ react: '^18.3.1', 'react-dom': '^18.3.1' });
  });

  it.each([EXTENSION, MODE])('%s carries a runtime-plugin descriptor that matches its prebuilt module', (name) => {
    const { dir, manifest } = packed(name);
    const d = JSON.parse(readFileSync(join(dir, 'dist/plugins/ohif-runtime-plugin.json'), 'utf8')) as Record<string, string>;
    const file = d['importPath']!.split('/').pop()!;
    expect(d).toEqual({ packageName: name, importPath: `plugins/${name}/${manifest.version}/${file}`, coreVersionRange: manifest.peerDependencies!['@ohif/core'], integrity: expect.any(String) });
    const bytes = readFileSync(join(dir, 'dist/plugins', file));
    expect(d['integrity']).toBe(`sha384-${createHash('sha384').update(bytes).digest('base64')}`);
  });

  it("register through their default exports with @ohif/core's real ExtensionManager, and so do the prebuilt plugins deployed by the README's script", async () => {
    for (const f of ['meddiff-extension.js', 'inferenceWorker.js', 'tfjs-wasm/tfjs-backend-wasm-simd.wasm']) expect(existsSync(join(deployment, 'plugins', EXTENSION, '0.1.0', f)), f).toBe(true);
    copyFileSync(join(REPO_ROOT, 'apps/adopter/fixtures/ohifHost.mjs'), join(ohifApp, 'ohifHost.mjs'));
    const { stdout } = await runIn(ohifApp, 'node', ['ohifHost.mjs', deployment]);
    const { built, prebuilt } = JSON.parse(stdout.trim().split('\n').pop()!) as Record<'built' | 'prebuilt', Record<string, unknown>>;
    for (const r of [built, prebuilt]) {
      expect(r).toMatchObject({
        extensionId: EXTENSION,
        registered: [EXTENSION],
        panel: 'Diffusion tools',
        localDataSource: 1,
        commands: ['meddiff.selectTask', 'meddiff.run', 'meddiff.getState'],
        mode: { id: MODE, extensions: [EXTENSION], modeFactory: 'function' },
      });
    }
    // The prebuilt mode finds the prebuilt extension in OHIF's layout, the file the deploy script put there.
    expect(prebuilt['modeExtensionUrls']).toEqual([new URL(`file://${join(deployment, 'plugins', EXTENSION, '0.1.0', 'meddiff-extension.js')}`).href]);
  });
});

describe("the README's OHIF recipe in the prebuilt OHIF 3.13.2 app, in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('the app loads the deployed extension and mode from the recipe\'s app-config.js, with no errors', async () => {
    // The app as deployed, the plugins where deploy.sh put them, and the recipe's app-config.js.
    const site = await serveFolders({ '/': prebuiltOhifApp(), '/plugins/': join(deployment, 'plugins'), '/app-config.js': join(REPO_ROOT, 'apps/adopter/recipes/ohif/app-config.js') }, { spaFallback: true });
    const page = await browser.newPage();
    const errors: string[] = [];
    const requested: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    try {
      await page.goto(`${site.url}/`);
      // The extension's commands exist once the app has registered it.
      await page.waitForFunction(() => !!(window as unknown as { commandsManager?: { getCommand?(n: string): unknown } }).commandsManager?.getCommand?.('meddiff.getState'), undefined, { timeout: 120_000 });
      const found = await page.evaluate(async (modeUrl) => {
        // The app's own module loader (index.html's browserImportFunction) gives the instance it loaded.
        const w = window as unknown as { commandsManager: { runCommand(n: string): Promise<{ status: string }> }; browserImportFunction(u: string): Promise<{ default: { id: string } }> };
        const mode = await w.browserImportFunction(modeUrl);
        return { status: (await w.commandsManager.runCommand('meddiff.getState')).status, mode: mode.default.id };
      }, `/plugins/${MODE}/0.1.0/meddiff-mode.js`);
      expect(found).toEqual({ status: 'idle', mode: MODE });
      const reader = await page.evaluate(async (url) => (await (window as unknown as { browserImportFunction(u: string): Promise<{ default: { id: string } }> }).browserImportFunction(url)).default.id, `/plugins/${MODE}/0.1.0/meddiff-reader-study-mode.js`);
      expect(reader).toBe(`${MODE}.readerStudy`);
      expect(requested).toEqual(expect.arrayContaining([`/plugins/${EXTENSION}/0.1.0/meddiff-extension.js`, `/plugins/${MODE}/0.1.0/meddiff-mode.js`, `/plugins/${MODE}/0.1.0/meddiff-reader-study-mode.js`]));
      expect(errors).toEqual([]);
      expect(site.missing.filter((p) => p.startsWith('/plugins/'))).toEqual([]);
    } finally {
      await page.close();
      await site.close();
    }
  });
});
