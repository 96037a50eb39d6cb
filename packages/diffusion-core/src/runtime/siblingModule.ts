/**
 * The URL of the module `name` beside the calling module: `name.ts` when the caller runs from source
 * (tsx, vitest), `name.js` when it runs from a package's flat `dist/`, where every entry and chunk
 * sits in one folder. The module must be a build entry of its own, so its code is not moved into a
 * shared chunk.
 */
export function siblingModule(callerUrl: string, name: string): string {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl).href;
}
