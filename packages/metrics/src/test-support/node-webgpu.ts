// Test-only: WebGPU in Node through Dawn (the `webgpu` package), on Chromium's
// SwiftShader Vulkan driver when no GPU driver is set (Debian's `chromium` package).
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Installs navigator.gpu and returns a description of the adapter, or why there is none. */
export async function installNodeWebGPU(): Promise<{ ok: true; adapter: string } | { ok: false; reason: string }> {
  if (!process.env.VK_ICD_FILENAMES && readable(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'metrics-xdg-'));
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator?.gpu) {
    let mod: { create(flags: string[]): GPU; globals: object };
    try {
      mod = (await import('webgpu')) as unknown as typeof mod;
    } catch (e) {
      return { ok: false, reason: `the 'webgpu' package did not load: ${(e as Error).message}` };
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  const adapter = await g.navigator?.gpu?.requestAdapter();
  if (!adapter) return { ok: false, reason: `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})` };
  const info = (adapter as { info?: { vendor?: string; description?: string } }).info;
  return { ok: true, adapter: [info?.vendor, info?.description].filter(Boolean).join(' ') || 'unknown' };
}
