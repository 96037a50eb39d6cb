import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRuntimeDescriptor } from '@meddiff/ohif-extension/runtime-plugin';
import { describe, expect, it } from 'vitest';
import { appConfigEntry, builtPlugins, servedPlugin, servedPrefix } from './plugins.js';

describe('the prebuilt plugins the viewer serves', () => {
  it('are the built extension and mode, described as OHIF runtime plugins (id = package name, integrity, core range)', () => {
    const { extensions, modes } = builtPlugins();
    expect(extensions.map((p) => p.descriptor)).toEqual([{ packageName: '@meddiff/ohif-extension', importPath: 'plugins/@meddiff/ohif-extension/0.1.0/meddiff-extension.js', coreVersionRange: '^3.13.0', integrity: expect.stringMatching(/^sha384-[A-Za-z0-9+/]{64}$/) }]);
    expect(modes.map((p) => p.descriptor.packageName)).toEqual(['@meddiff/ohif-mode', '@meddiff/ohif-mode']);
    expect(appConfigEntry(modes[1]!)).toBe('/plugins/@meddiff/ohif-mode/0.1.0/meddiff-reader-study-mode.js');
    expect(modes[1]!.descriptor.integrity).not.toBe(modes[0]!.descriptor.integrity);
    expect(servedPrefix(extensions[0]!)).toBe('/plugins/@meddiff/ohif-extension/0.1.0/');
    expect(appConfigEntry(modes[0]!)).toBe('/plugins/@meddiff/ohif-mode/0.1.0/meddiff-mode.js');
  });

  it('a module changed after it was described is refused, and so is a folder without a descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meddiff-plugin-'));
    expect(() => servedPlugin(dir)).toThrow(/no ohif-runtime-plugin.json .*build the plugin package first/);
    writeFileSync(join(dir, 'x.js'), 'export default { id: "x" }');
    writeRuntimeDescriptor(dir, 'x.js', { name: 'x', version: '1.0.0', peerDependencies: { '@ohif/core': '^3.13.0' } });
    expect(servedPlugin(dir).descriptor.importPath).toBe('plugins/x/1.0.0/x.js');
    appendFileSync(join(dir, 'x.js'), '\n// changed');
    expect(() => servedPlugin(dir)).toThrow(/x\.js does not match the integrity in .*rebuild the plugin package/);
    expect(() => writeRuntimeDescriptor(dir, 'x.js', { name: 'x', version: '1.0.0' })).toThrow(/no peerDependencies\['@ohif\/core'\]/);
  });
});
