// The CLI as users run it: a subprocess over the built dist/, never an in-process call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hostsig, json } from './run.js';

const TS = '1369758680';
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'hostsig-cli-'));
});

const HD = ['--public-key', 'foobar', '--private-key', 'fazbaz', '--timestamp', TS, '--unique', 'ABCDEF'];
const SC = ['--api-key', '32-5DAYTJQY2TZHOFOB', '--secret', '48b278ec873bda4738923dbc467f8669', '--base-url', 'https://ipam.example.test/api/v1/api.php'];

describe('sign and verify', () => {
  it('HostDime: the documented vector through flags, then verified from flags', () => {
    const s = json(hostsig(['sign', 'hostdime', ...HD, '--method', 'domain.list', '--param', 'status=registered', '--param', 'order=desc', '--json']));
    expect(s.stages.api_hash).toBe('499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd');
    expect(s.output.url).toBe('https://api.hostdime.com/v1/domain/list.json');
    const ok = hostsig(['verify', 'hostdime', '--path', '/v1/domain/list.json', '--body', s.output.body, '--private-key', 'fazbaz', '--now', TS, '--json']);
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ scheme: 'hostdime', result: 'valid', output: { keyId: 'foobar', method: 'domain.list' }, stages: { expected: s.stages.api_hash, received: s.stages.api_hash } });
    const bad = hostsig(['verify', 'hostdime', '--path', '/v1/domain/list.json', '--body', s.output.body.replace('desc', 'asc'), '--private-key', 'fazbaz', '--now', TS, '--json']);
    expect(bad.code).toBe(1);
    expect(json(bad)).toMatchObject({ result: 'invalid', error: 'SIGNATURE_INVALID' });
    expect(json(bad).stages.expected).not.toBe(json(bad).stages.received);
  });

  it('HostDime: a .http file, a curl -v dump, and stdin', () => {
    const http = hostsig(['sign', 'hostdime', ...HD, '--method', 'utility.echo', '--param', 'url=http://example.com/a', '--http']).stdout;
    expect(http).toMatch(/^POST \/v1\/utility\/echo\.json HTTP\/1\.1\r\n/);
    const file = join(dir, 'req.http');
    writeFileSync(file, http);
    const fromFile = hostsig(['verify', '--request', file, '--private-key', 'fazbaz', '--now', TS, '--json']);
    expect(fromFile.code).toBe(0);
    // The SCHEMES.md vector for this request.
    expect(json(fromFile).stages.expected).toBe('732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111');
    const body = http.split('\r\n\r\n')[1]!;
    const curl = ['*   Trying 127.0.0.1:443...', '> POST /v1/utility/echo.json HTTP/1.1', '> Host: api.hostdime.com', '> Content-Type: application/x-www-form-urlencoded', '>', body, '< HTTP/1.1 200 OK', '* Connection #0 left intact'].join('\n');
    writeFileSync(join(dir, 'curl.txt'), curl);
    expect(hostsig(['verify', '--request', join(dir, 'curl.txt'), '--private-key', 'fazbaz', '--now', TS]).code).toBe(0);
    const stdin = hostsig(['verify', 'hostdime', '--request', '-', '--private-key', 'fazbaz', '--now', TS], { input: http.replace(/\r\n/g, '\n') });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toContain('valid');
    const stale = hostsig(['verify', 'hostdime', '--request', '-', '--private-key', 'fazbaz', '--now', String(Number(TS) + 301), '--json'], { input: http });
    expect(json(stale)).toMatchObject({ result: 'invalid', error: 'TIMESTAMP_STALE' });
  });

  it('6connect: documented vector signed, verified by URL and from a keys.json', () => {
    const s = json(hostsig(['sign', 'sixconnect', ...SC, '--target', 'ipam', '--action', 'get', '--param', 'type=IP', '--param', 'mask=24', '--json']));
    expect(s.stages.hash).toBe('yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=');
    const cfg = join(dir, 'keys.json');
    writeFileSync(cfg, JSON.stringify({ sixconnect: { keys: { '32-5DAYTJQY2TZHOFOB': '48b278ec873bda4738923dbc467f8669' } } }));
    expect(hostsig(['verify', '--url', s.output.url, '--config', cfg]).code).toBe(0);
    const r = hostsig(['verify', 'sixconnect', '--url', s.output.url.replace('mask=24', 'mask=25'), '--config', cfg, '--json']);
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ scheme: 'sixconnect', result: 'invalid', error: 'SIGNATURE_INVALID', stages: { received: 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=' } });
  });

  it('a wrong secret: 6connect says no known mistake reproduces it, as HostDime does, each with its own advice', () => {
    const s = json(hostsig(['sign', 'sixconnect', ...SC, '--target', 'ipam', '--action', 'get', '--param', 'type=IP', '--json']));
    const r = hostsig(['verify', 'sixconnect', '--url', s.output.url, '--secret', 'not-the-secret']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no known mistake reproduces the received hash \(\d+ derivations tried\): check the secret key/);
    expect(r.stdout).not.toMatch(/timestamp|unique/);
    expect(json(hostsig(['verify', 'sixconnect', '--url', s.output.url, '--secret', 'not-the-secret', '--json']))).toMatchObject({ error: 'SIGNATURE_INVALID', diagnosis: [] });
    const h = json(hostsig(['sign', 'hostdime', ...HD, '--method', 'domain.list', '--json']));
    const hd = hostsig(['verify', 'hostdime', '--path', '/v1/domain/list.json', '--body', h.output.body, '--private-key', 'not-the-key', '--now', TS]);
    expect(hd.stdout).toMatch(/no known mistake reproduces the received hash \(\d+ derivations tried\): check the private key, the api_timestamp and api_unique/);
  });

  it('explain: staged view beside a wrong signature', () => {
    const r = hostsig(['explain', 'hostdime', ...HD, '--method', 'domain.list', '--param', 'status=registered', '--param', 'order=desc', '--signature', 'f'.repeat(64)]);
    expect(r.code).toBe(1);
    for (const stage of ['1 request', '2 canonical', '3 hash', '4 signed request', 'expected (hostsig)', 'given']) expect(r.stdout).toContain(stage);
    expect(r.stdout).toContain('499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd');
    expect(hostsig(['explain', 'hostdime', ...HD, '--method', 'domain.list', '--param', 'status=registered', '--param', 'order=desc', '--signature', '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd']).code).toBe(0);
  });
});

describe('usage, errors, colour', () => {
  it('suggests the command and the flag a typo meant; exit 2', () => {
    const a = hostsig(['verfy']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('did you mean "verify"');
    const b = hostsig(['verify', 'hostdime', '--privte-key', 'x']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('did you mean "--private-key"');
    expect(hostsig(['sign', 'hostdme']).stderr).toContain('unknown scheme');
  });

  it('--help per command lists flags and exit codes', () => {
    for (const cmd of ['sign', 'verify', 'explain', 'diagnose', 'vectors', 'serve']) {
      const r = hostsig([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`hostsig ${cmd}:`);
      expect(r.stdout).toContain('Exit codes: 0 ok/valid, 1');
    }
  });

  it('unreadable input is exit 3', () => {
    const r = hostsig(['verify', 'hostdime', '--request', join(dir, 'missing.http'), '--private-key', 'k']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot read');
    writeFileSync(join(dir, 'junk.http'), 'hello there\n');
    expect(hostsig(['verify', 'hostdime', '--request', join(dir, 'junk.http'), '--private-key', 'k']).code).toBe(3);
  });

  it('colour only when forced on a non-TTY, and never with NO_COLOR or --no-color', () => {
    const args = ['verify', 'hostdime', '--path', '/v1/server/list.json', '--body', 'api_key=a&api_timestamp=1&api_unique=u&api_hash=' + 'a'.repeat(64), '--private-key', 'k', '--now', '1'];
    expect(hostsig(args).stdout).not.toContain('\x1b[');
    expect(hostsig(args, { env: { FORCE_COLOR: '1' } }).stdout).toContain('\x1b[');
    expect(hostsig(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain('\x1b[');
    expect(hostsig([...args, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b[');
  });
});
