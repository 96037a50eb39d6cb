import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, REPO_ROOT } from './archive.js';

export interface CliProcess {
  child: ChildProcess;
  /** stderr lines so far (the log). */
  lines: string[];
  stdout: string[];
  /** Resolves with the first log line matching `pattern` (and any line already seen). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Runs `meddiff-batch <args>` as a user would, in its own Node process (tsx as a loader, so signals reach it directly). */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stdout: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(...chunk.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stdout,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line matched ${pattern} within ${timeoutMs / 1000} s; the log:\n${lines.slice(-30).join('\n')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

/** Runs a CLI command to its end; rejects with its log when it fails. */
export async function runCli(args: readonly string[]): Promise<{ stdout: string[]; lines: string[] }> {
  const p = startCli(args);
  const code = await p.exited;
  if (code !== 0) throw new Error(`meddiff-batch ${args.join(' ')} exited with ${code}:\n${p.lines.join('\n')}`);
  return { stdout: p.stdout, lines: p.lines };
}
