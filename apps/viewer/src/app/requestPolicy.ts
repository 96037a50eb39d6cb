import type { IncomingMessage } from 'node:http';

/** Host names a loopback viewer answers to when nothing else is configured. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Which Host headers and Origins the viewer serves. A web page the user visits can reach a
 * loopback server in two ways: by DNS rebinding (its own name resolving to 127.0.0.1, so the browser
 * treats the viewer as same-origin with the page: caught by the Host allow-list) and by cross-site
 * requests that need no preflight (a form POST: caught by the Origin check on writes).
 */
export interface RequestPolicy {
  /** Host names (no port), lower case; IPv6 addresses in brackets. */
  readonly allowedHosts: readonly string[];
  /** Origins besides the viewer's own that may send writes, e.g. "https://viewer.example.org". */
  readonly allowedOrigins: readonly string[];
}

export type PolicyVerdict = { ok: true; origin: string } | { ok: false; status: number; message: string };

const WILDCARD_LISTEN = new Set(['0.0.0.0', '::', '']);

/**
 * The policy for a server listening on `listenHost`: the loopback names, the listen address itself
 * when it names one interface, and whatever a deployment adds.
 */
export function requestPolicy(listenHost: string, extra: { hosts?: readonly string[]; origins?: readonly string[] } = {}): RequestPolicy {
  const listen = listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost;
  const hosts = new Set([...LOOPBACK_HOSTS, ...(WILDCARD_LISTEN.has(listenHost) ? [] : [listen]), ...(extra.hosts ?? [])].map((h) => h.toLowerCase()));
  const origins = (extra.origins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase());
  return { allowedHosts: [...hosts], allowedOrigins: origins };
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63}){0,20})(?::(\d{1,5}))?$/;

/** Methods that cannot change anything on the server. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Decides whether to serve a request. The origin it returns is built from the checked Host header
 * only, so what the server writes into app-config.js and BulkDataURIs names an allowed host.
 */
export function checkRequest(req: IncomingMessage, policy: RequestPolicy): PolicyVerdict {
  const host = (req.headers.host ?? '').trim().toLowerCase();
  const m = HOST_HEADER.exec(host);
  if (!m) return { ok: false, status: 400, message: `the Host header ${JSON.stringify(host.slice(0, 100))} is missing or malformed` };
  if (!policy.allowedHosts.includes(m[1]!)) {
    return {
      ok: false,
      status: 421,
      message: `this viewer does not answer to the host name "${m[1]}" (allowed: ${policy.allowedHosts.join(', ')}); to serve it under another name, start it with --allowed-host ${m[1]}`,
    };
  }
  const origin = `http://${host}`;
  if (SAFE_METHODS.has(req.method ?? 'GET')) return { ok: true, origin };
  const sent = req.headers.origin;
  if (sent !== undefined) {
    const o = sent.trim().toLowerCase();
    if (o !== origin && !policy.allowedOrigins.includes(o)) {
      return { ok: false, status: 403, message: `${req.method} from the origin ${JSON.stringify(sent)} is refused: only the viewer's own pages (${origin}) may write; allow another origin with --allowed-origin` };
    }
    return { ok: true, origin };
  }
  // No Origin: a client that is not a browser (curl, a script), unless fetch metadata says a
  // cross-site page sent it.
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return { ok: false, status: 403, message: `${req.method} from another site is refused (Sec-Fetch-Site: ${site})` };
  return { ok: true, origin };
}
