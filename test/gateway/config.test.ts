// gateway.json checks: every mistake names the file and the JSON path and exits 2; secrets from
// the environment and from files; unknown fields are mistakes; start failures exit 1.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGatewayConfig, GatewayConfigError } from '../../src/cli/gateway/config.js';
import { ensureBuilt } from '../cli/run.js';
import { REPO_ROOT } from '../helpers/wycheproof.js';
import { runGatewayOnce, writeConfig } from './spawn.js';

const BASE = { upstream: { url: 'http://127.0.0.1:9' }, schemes: { hostdime: { keys: { pub: 'secret' } } } };

/** The message checkGatewayConfig throws for a config (fails the test when it throws nothing). */
function mistake(cfg: unknown, env: Record<string, string> = {}, base = '/nonexistent'): string {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    checkGatewayConfig(cfg, 'gateway.json', base);
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayConfigError);
    return (e as Error).message;
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
  }
  throw new Error('no mistake found');
}

describe('every mistake names its JSON path', () => {
  it.each([
    ['no upstream', { schemes: BASE.schemes }, 'gateway.json: upstream: is required'],
    ['no schemes', { upstream: BASE.upstream }, 'gateway.json: schemes: is required'],
    ['empty schemes', { ...BASE, schemes: {} }, 'gateway.json: schemes: configure at least one'],
    ['unknown top field', { ...BASE, listne: {} }, 'gateway.json: listne: unknown field'],
    ['unknown nested field', { ...BASE, upstream: { url: 'http://x', timeout: 5 } }, 'gateway.json: upstream.timeout: unknown field'],
    ['unknown scheme', { ...BASE, schemes: { hostdyme: {} } }, 'gateway.json: schemes.hostdyme: unknown field'],
    ['unknown field in a scheme', { ...BASE, schemes: { hostdime: { keys: {}, tolerance: 3 } } }, 'gateway.json: schemes.hostdime.tolerance: unknown field'],
    ['a port out of range', { ...BASE, listen: { port: 70000 } }, 'gateway.json: listen.port: must be an integer 0..65535'],
    ['a string for a number', { ...BASE, upstream: { url: 'http://x', timeoutMs: '5' } }, 'gateway.json: upstream.timeoutMs: must be an integer'],
    ['an upstream that is not http', { ...BASE, upstream: { url: 'ftp://x' } }, 'gateway.json: upstream.url: must be an http: or https: URL'],
    ['a bad trusted proxy', { ...BASE, trustedProxies: ['127.0.0.1', '10.0.0.0/33'] }, 'gateway.json: trustedProxies[1]: "10.0.0.0/33" is not an IP address or CIDR range'],
    ['a secret of the wrong type', { ...BASE, schemes: { hostdime: { keys: { pub: 42 } } } }, 'gateway.json: schemes.hostdime.keys.pub: must be a string, {"env": NAME} or {"file": PATH}'],
    ['a ref with two sources', { ...BASE, schemes: { sixconnect: { keys: { k: { env: 'A', file: 'b' } } } } }, 'gateway.json: schemes.sixconnect.keys.k: must be a string'],
    ['a WHM token list entry', { ...BASE, schemes: { whm: { tokens: { root: [{ name: 'ci' }] } } } }, 'gateway.json: schemes.whm.tokens.root[0]: needs exactly one of "token" and "digest"'],
    ['a HostKey session token', { ...BASE, schemes: { hostkey: { sessions: [{ token: 'xyz', subject: 's', expiresAt: 1 }] } } }, 'gateway.json: schemes.hostkey.sessions[0].token: must be 32 lowercase hex'],
    ['a key name that needs quoting', { ...BASE, schemes: { hostdime: { keys: { 'a b': 1 } } } }, 'gateway.json: schemes.hostdime.keys["a b"]: must be a string'],
    ['redis without a URL scheme', { ...BASE, redis: { url: '127.0.0.1:6379' } }, 'gateway.json: redis.url: must be a redis:// or rediss:// URL'],
    ['a HostBill key that is not a key', { ...BASE, schemes: { hostbill: { publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' } } }, 'gateway.json: schemes.hostbill.publicKey: not a usable RSA public key'],
  ])('%s', (_name, cfg, expected) => {
    expect(mistake(cfg)).toContain(expected);
  });

  it('an env secret that is not set names the variable, never a value', () => {
    delete process.env.HOSTSIG_TEST_UNSET;
    expect(mistake({ ...BASE, schemes: { hostdime: { keys: { pub: { env: 'HOSTSIG_TEST_UNSET' } } } } })).toBe('gateway.json: schemes.hostdime.keys.pub: {"env":"HOSTSIG_TEST_UNSET"}: environment variable HOSTSIG_TEST_UNSET is not set');
  });

  it('a HostKey API key given as a map name is never printed: the entry is named by its place', () => {
    const m = mistake({ ...BASE, schemes: { hostkey: { apiKeys: { 'k-public': 'a', 'hk-secret-api-key-7': 5 } } } });
    expect(m).toBe('gateway.json: schemes.hostkey.apiKeys[entry 2, key not shown]: must be a non-empty string');
    expect(m).not.toContain('hk-secret-api-key-7');
  });

  it('a file secret that cannot be read', () => {
    expect(mistake({ ...BASE, schemes: { hostbill: { basic: { u: { file: 'nope.txt' } } } } })).toBe('gateway.json: schemes.hostbill.basic.u: {"file":"nope.txt"}: cannot read the file: ENOENT');
  });

  it('__proto__, constructor and prototype are ordinary key names and never touch Object.prototype', () => {
    const cfg = checkGatewayConfig(JSON.parse('{"upstream":{"url":"http://x"},"schemes":{"hostdime":{"keys":{"__proto__":"a","constructor":"b","prototype":"c"}},"hostkey":{"apiKeys":{"__proto__":"s"}}}}'), 'g.json', '/');
    expect(Object.keys(cfg.schemes.hostdime!.keys)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(cfg.schemes.hostdime!.keys)).toBe(Object.prototype);
    expect(Object.hasOwn(cfg.schemes.hostkey!.apiKeys!, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});

describe('secrets from the environment and from files', () => {
  it('{"env"} and {"file"} (relative to the config; trailing newline trimmed, kept for PEM); apiKeys as a list', () => {
    const path = writeConfig({}, { 'sc.txt': 'sc-secret\n', 'k.pem': '' });
    const dir = join(path, '..');
    process.env.HOSTSIG_TEST_HD = 'hd-secret';
    process.env.HOSTSIG_TEST_HK = 'hk-key';
    try {
      const cfg = checkGatewayConfig(
        {
          upstream: { url: 'http://127.0.0.1:9000/base/' },
          schemes: {
            hostdime: { keys: { pub: { env: 'HOSTSIG_TEST_HD' } } },
            sixconnect: { keys: { k: { file: 'sc.txt' } } },
            hostbill: { publicKey: { file: join(REPO_ROOT, 'vectors/keys/hostbill4096.spki.pem') } },
            hostkey: { apiKeys: [{ key: { env: 'HOSTSIG_TEST_HK' }, subject: 'user-1' }] },
          },
        },
        'gateway.json',
        dir,
      );
      expect(cfg.schemes.hostdime!.keys.pub).toBe('hd-secret');
      expect(cfg.schemes.sixconnect!.keys.k).toBe('sc-secret');
      expect(cfg.schemes.hostbill!.publicKey).toMatch(/-----END PUBLIC KEY-----\n$/);
      expect(cfg.schemes.hostkey!.apiKeys).toEqual({ 'hk-key': 'user-1' });
      expect(cfg.listen).toEqual({ host: '127.0.0.1', port: 8080 });
      expect(cfg.redis).toBeNull();
      expect(cfg.metrics).toBeNull();
      expect(cfg.drainTimeoutMs).toBe(10000);
      expect(cfg.maxBodyBytes).toBe(1048576);
    } finally {
      delete process.env.HOSTSIG_TEST_HD;
      delete process.env.HOSTSIG_TEST_HK;
    }
  });
});

describe('as a command: exit codes', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    ensureBuilt();
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  }, 60_000);
  afterAll(() => busy?.close());

  it('a config mistake: exit 2, one JSON line on stderr naming the path, nothing on stdout', () => {
    const r = runGatewayOnce(writeConfig({ ...BASE, schemes: { hostdime: { keys: { pub: { env: 'HD_SECRET' } } } } }), { HD_SECRET: undefined });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const line = JSON.parse(r.stderr.trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'error', event: 'config-error', message: expect.stringContaining('gateway.json: schemes.hostdime.keys.pub: {"env":"HD_SECRET"}: environment variable HD_SECRET is not set') });
  });

  it('not JSON, unreadable, no --config, a bad --workers: exit 2', () => {
    expect(runGatewayOnce(writeConfig('{"upstream": ')).code).toBe(2);
    expect(runGatewayOnce('/nonexistent/gateway.json').code).toBe(2);
    expect(runGatewayOnce(writeConfig(BASE), {}, ['--workers', '0']).code).toBe(2);
  });

  it('redis or prom-client configured but not installed: exit 1 naming the package to install', () => {
    const NODE_OPTIONS = `--import=${pathToFileURL(join(import.meta.dirname, 'no-peers.mjs')).href}`;
    const r = runGatewayOnce(writeConfig({ ...BASE, listen: { port: 0 }, redis: { url: 'redis://127.0.0.1:1' } }), { NODE_OPTIONS });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"event":"start-failed".*needs the \\"redis\\" package, which is not installed: npm install redis/);
    const m = runGatewayOnce(writeConfig({ ...BASE, listen: { port: 0 }, metrics: { port: 0 } }), { NODE_OPTIONS });
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('npm install prom-client');
  });

  it('the port in use: exit 1 with the reason', () => {
    const r = runGatewayOnce(writeConfig({ ...BASE, listen: { port: busyPort } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"event":"start-failed".*EADDRINUSE/);
  });
});
