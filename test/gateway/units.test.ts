// The gateway's pure helpers: who the client is behind trusted proxies, header values from
// client-chosen text, the log line, the respawn back-off; and the command's help.
import { describe, expect, it } from 'vitest';
import { respawnDelay } from '../../src/cli/gateway/cluster.js';
import { proxyRange } from '../../src/cli/gateway/config.js';
import { asciiHeader, asciiJson, clientAddress } from '../../src/cli/gateway/identity.js';
import { cut, jsonLine, LOG_BATCH_MAX, lineWriter } from '../../src/cli/gateway/log.js';
import { forwardHeaders } from '../../src/cli/gateway/proxy.js';
import { ensureBuilt, hostsig } from '../cli/run.js';

describe('clientAddress (trustedProxies)', () => {
  const trusted = ['127.0.0.1', '10.0.0.0/8'].map(proxyRange);
  it('no trusted proxies, or a socket that is not one: the socket address, X-Forwarded-For ignored', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', [])).toBe('127.0.0.1');
    expect(clientAddress('198.51.100.7', '203.0.113.9', trusted)).toBe('198.51.100.7');
  });
  it('the right-most hop that is not a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '1.1.1.1, 203.0.113.9, 10.1.2.3', trusted)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9 ,10.0.0.1', trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '10.0.0.2, 10.0.0.1', trusted)).toBe('10.0.0.2');
    expect(clientAddress('127.0.0.1', undefined, trusted)).toBe('127.0.0.1');
  });
  it('a hop that is not an address: no client address at all (whitelists fail closed)', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9, evil, 10.0.0.1', trusted)).toBeUndefined();
  });
  it('a header of 100k hops is looked at in linear time (only the last 64 matter)', () => {
    const long = Array.from({ length: 100_000 }, () => '10.0.0.1').join(',');
    const t = Date.now();
    expect(clientAddress('127.0.0.1', long, trusted)).toBe('10.0.0.1');
    expect(Date.now() - t).toBeLessThan(1000);
  });
});

describe('header values and log lines', () => {
  it('asciiHeader: printable ASCII kept; controls, DEL, non-ASCII and backslash escaped', () => {
    expect(asciiHeader('client@example.com')).toBe('client@example.com');
    expect(asciiHeader('a\r\nX-Evil: 1')).toBe('a\\u000d\\u000aX-Evil: 1');
    expect(asciiHeader('Jos\u00e9\\\u007f')).toBe('Jos\\u00e9\\\\\\u007f');
  });
  it('asciiJson: the same JSON value, ASCII only', () => {
    const v = { name: 'Jos\u00e9 \u{1F600}', ctl: '\u0001\u2028' };
    const s = asciiJson(v);
    expect(s).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(s)).toEqual(v);
  });
  it('jsonLine: one line whatever the data (U+2028/2029 escaped too); cut bounds a string', () => {
    const line = jsonLine({ path: '/a\nb\u2028c\u2029d\u001b' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r\u2028\u2029\u001b]/);
    expect(JSON.parse(line)).toEqual({ path: '/a\nb\u2028c\u2029d\u001b' });
    expect(cut('x'.repeat(300))).toBe(`${'x'.repeat(256)}...(+44 chars)`);
  });
  it('lineWriter: lines of one event-loop turn go out in one write, whole lines only, each write at most PIPE_BUF bytes', async () => {
    const writes: string[] = [];
    const w = lineWriter((s) => writes.push(s));
    const lines = Array.from({ length: 40 }, (_, i) => jsonLine({ i, path: `/p/${'\u00e9'.repeat(i * 3)}` }));
    for (const l of lines.slice(0, 3)) w.line(l);
    expect(writes).toEqual([]); // not written one by one: one write per batch, not per request
    for (const l of lines.slice(3)) w.line(l);
    await new Promise((r) => setImmediate(r));
    expect(writes.join('')).toBe(lines.join(''));
    expect(writes.length).toBeLessThan(lines.length / 4);
    for (const s of writes) {
      expect(Buffer.byteLength(s)).toBeLessThanOrEqual(LOG_BATCH_MAX);
      expect(s.endsWith('\n')).toBe(true);
    }
    // A line longer than a batch goes alone; a flush (what exit does) writes the rest at once.
    writes.length = 0;
    const big = jsonLine({ x: 'y'.repeat(LOG_BATCH_MAX) });
    w.line(lines[0]!);
    w.line(big);
    w.line(lines[1]!);
    w.flush();
    expect(writes).toEqual([lines[0], big, lines[1]]);
    // A throwing sink never throws into the caller.
    const bad = lineWriter(() => {
      throw new Error('EPIPE');
    });
    bad.line('a\n');
    expect(() => bad.flush()).not.toThrow();
  });
  it('forwardHeaders: hop-by-hop, Connection-listed, Content-Length, Expect, X-Forwarded-For and X-Hostsig-* go; the rest stays as received', () => {
    const raw = ['Host', 'h', 'Connection', 'keep-alive, X-Secret-Hop', 'X-Secret-Hop', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c', 'Proxy-Authorization', 'Basic x', 'Content-Length', '3', 'Expect', '100-continue', 'X-Forwarded-For', '1.2.3.4', 'X-HOSTSIG-Subject', 'root', 'x-hostsig-', '', 'X-Hostsigx', 'kept', 'Accept', 'a', 'accept', 'b'];
    expect(forwardHeaders(raw)).toEqual(['Host', 'h', 'X-Hostsigx', 'kept', 'Accept', 'a', 'accept', 'b']);
  });
  it('respawnDelay: immediate for the first deaths, then doubling up to 10 s', () => {
    expect([1, 2, 3].map(respawnDelay)).toEqual([0, 0, 0]);
    expect(respawnDelay(4)).toBe(200);
    expect(respawnDelay(5)).toBe(400);
    expect(respawnDelay(50)).toBe(10_000);
  });
});

describe('help', () => {
  it('hostsig --help lists gateway; hostsig gateway --help shows its flags and the config shape', () => {
    ensureBuilt();
    const top = hostsig(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^ {2}gateway +a verifying reverse proxy/m);
    const h = hostsig(['gateway', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^hostsig gateway/);
    expect(h.stdout).toContain('--config gateway.json');
    expect(h.stdout).toContain('--workers N');
    expect(h.stdout).toContain('"upstream"');
    expect(hostsig(['gateway']).code).toBe(2);
  });
});
