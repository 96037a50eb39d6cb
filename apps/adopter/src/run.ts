import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

// Plain text, as a user's pipe gets it: under CI, nx sets FORCE_COLOR, and Node's console.log would
// then colour values (a boolean arrives as "\x1b[33mtrue\x1b[39m").
const { FORCE_COLOR: _forced, ...inherited } = process.env;
const plainEnv = { ...inherited, NO_COLOR: '1' };

/** Runs a command in an adopter's folder and returns its output; a failure carries both streams. */
export async function runIn(dir: string, command: string, args: string[], timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, { cwd: dir, env: plainEnv, timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    // Minified bundles print whole lines in a stack trace: keep the ends.
    throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
  }
}
