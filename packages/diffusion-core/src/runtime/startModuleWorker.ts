import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on the ES module at `url` with `workerData`. When that module, or one it
 * will import by URL (`alsoImports`), is TypeScript (run from source under vitest or tsx), the
 * worker registers tsx's loader first: `execArgv: ['--import', 'tsx']` does not reach a worker's
 * entry in Node 20.
 */
export function startModuleWorker(url: string, workerData: unknown, alsoImports: readonly string[] = []): Worker {
  if (![url, ...alsoImports].some((u) => u.endsWith('.ts'))) return new Worker(new URL(url), { workerData });
  const code = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(code, { eval: true, workerData });
}
