import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Socket } from 'node:net';

export const REDIS_BINARY = '/usr/bin/redis-server';

export interface RunningRedis {
  url: string;
  /** Stops Redis (SIGTERM: it writes its append-only file first). */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and data, as an operator's restart would. */
  restart(): Promise<void>;
}

/**
 * Debian's redis-server for tests and benches, on its own port and folder, loopback only, with the
 * settings BullMQ asks for: every write in the append-only file (no job lost on a restart) and no
 * eviction of keys under memory pressure.
 */
export async function startRedis(dir: string, port: number): Promise<RunningRedis> {
  if (!existsSync(REDIS_BINARY)) throw new Error(`Redis is not installed (${REDIS_BINARY}); apt-get install redis-server`);
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'];
  let child: ChildProcess;
  const start = async () => {
    child = spawn(REDIS_BINARY, args, { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (!(await answersPing(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} while starting on port ${port}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
