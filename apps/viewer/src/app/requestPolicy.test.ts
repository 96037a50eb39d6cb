import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, requestPolicy } from './requestPolicy.js';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('requestPolicy', () => {
  it('serves loopback names and the listen address by default, not a wildcard address', () => {
    expect(requestPolicy('127.0.0.1').allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(requestPolicy('10.0.0.5').allowedHosts).toContain('10.0.0.5');
    expect(requestPolicy('0.0.0.0').allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(requestPolicy('::1').allowedHosts).toContain('[::1]');
    expect(requestPolicy('0.0.0.0', { hosts: ['Viewer.Example.org'], origins: ['https://viewer.example.org/'] })).toEqual({
      allowedHosts: ['localhost', '127.0.0.1', '[::1]', 'viewer.example.org'],
      allowedOrigins: ['https://viewer.example.org'],
    });
  });

  it('refuses unknown and malformed Host headers (DNS rebinding)', () => {
    const p = requestPolicy('127.0.0.1');
    expect(checkRequest(req('GET', { host: '127.0.0.1:3000' }), p)).toEqual({ ok: true, origin: 'http://127.0.0.1:3000' });
    expect(checkRequest(req('GET', { host: 'LOCALHOST:3000' }), p)).toEqual({ ok: true, origin: 'http://localhost:3000' });
    expect(checkRequest(req('GET', { host: '[::1]:3000' }), p)).toMatchObject({ ok: true });
    expect(checkRequest(req('GET', { host: 'attacker.example:3000' }), p)).toMatchObject({ ok: false, status: 421, message: expect.stringMatching(/--allowed-host attacker\.example/) });
    expect(checkRequest(req('GET', {}), p)).toMatchObject({ ok: false, status: 400 });
    expect(checkRequest(req('GET', { host: '127.0.0.1:3000/"><script>' }), p)).toMatchObject({ ok: false, status: 400 });
    expect(checkRequest(req('GET', { host: '127.0.0.1@attacker.example' }), p)).toMatchObject({ ok: false, status: 400 });
  });

  it('lets writes through only from the own origin, an allowed origin, or a client that is not a page', () => {
    const p = requestPolicy('127.0.0.1', { origins: ['https://pacs.example.org'] });
    const host = { host: '127.0.0.1:3000' };
    expect(checkRequest(req('POST', { ...host, origin: 'http://127.0.0.1:3000' }), p)).toMatchObject({ ok: true });
    expect(checkRequest(req('POST', { ...host, origin: 'https://pacs.example.org' }), p)).toMatchObject({ ok: true });
    expect(checkRequest(req('POST', host), p)).toMatchObject({ ok: true });
    expect(checkRequest(req('POST', { ...host, origin: 'https://evil.example' }), p)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(req('POST', { ...host, origin: 'null' }), p)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(req('POST', { ...host, origin: 'http://localhost:3000' }), p)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(req('POST', { ...host, 'sec-fetch-site': 'cross-site' }), p)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(req('DELETE', { ...host, origin: 'https://evil.example' }), p)).toMatchObject({ ok: false, status: 403 });
    // Reads: the browser keeps another site from reading the answer (no CORS headers are sent).
    expect(checkRequest(req('GET', { ...host, origin: 'https://evil.example' }), p)).toMatchObject({ ok: true });
  });
});
