import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Forwards a request to `target` (an http://host:port origin) with the same path, method, headers
 * and body, and streams the answer back. The Host header is kept, so a DICOMweb server that builds
 * absolute URLs from it (Orthanc's BulkDataURIs) points them at the viewer's origin, not at itself.
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, target: string): void {
  const url = new URL(req.url ?? '/', target);
  const upstream = request(
    url,
    { method: req.method, headers: { ...req.headers, 'x-forwarded-host': req.headers.host ?? '' } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `the PACS at ${target} did not answer: ${e.message}` }));
  });
  req.pipe(upstream);
}
