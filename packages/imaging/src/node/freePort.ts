import { createServer } from 'node:net';

/** A loopback TCP port nobody listens on now, for the servers tests and benches start (Orthanc, Redis, the viewer). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
