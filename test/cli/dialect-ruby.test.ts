// `--dialect ruby` on the command line: `hostsig sign` hashes as the official Ruby gem (hdcore-rb)
// does, and `hostsig verify` accepts it only when told to, else names the mistake. The expected
// hash is computed by ruby (vectors/gen/ruby-dialect.rb), never by hostsig.
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTDIME_RUBY_CASE, rubyGemHash } from '../diagnose/cases.js';
import { rubyAvailable } from '../helpers/ruby.js';
import { ensureBuilt, hostsig, json } from './run.js';

beforeAll(() => ensureBuilt());

const KEYS = ['--public-key', 'foobar', '--private-key', 'fazbaz'];

describe.skipIf(!rubyAvailable())('hostsig --dialect ruby', () => {
  it('sign hashes as the gem; verify accepts it with --dialect ruby and diagnoses it without', () => {
    const want = rubyGemHash(HOSTDIME_RUBY_CASE.pairs);
    const params = HOSTDIME_RUBY_CASE.pairs.flatMap(([k, v]) => ['--param', `${k}=${v}`]);
    const signed = hostsig(['sign', 'hostdime', ...KEYS, '--method', 'utility.echo', ...params, '--timestamp', '1369758680', '--unique', 'ABCDEF', '--dialect', 'ruby', '--json']);
    expect(signed.code).toBe(0);
    const body = json(signed).output.body as string;
    expect(body).toBe(`${HOSTDIME_RUBY_CASE.form}&api_key=foobar&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=${want}`);

    const verify = (...extra: string[]) => json(hostsig(['verify', '--path', '/v1/utility/echo.json', '--body', body, '--private-key', 'fazbaz', '--now', '1369758680', '--json', ...extra]));
    expect(verify('--dialect', 'php', '--dialect', 'ruby')).toMatchObject({ result: 'valid' });
    const refused = verify();
    expect(refused).toMatchObject({ result: 'invalid', error: 'SIGNATURE_INVALID' });
    expect(refused.diagnosis[0].id).toBe('ruby-dialect');
  });

  it('an unknown dialect is a usage error that lists ruby', () => {
    const r = hostsig(['sign', 'hostdime', ...KEYS, '--method', 'server.list', '--dialect', 'python']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('php, js or ruby');
  });
});
