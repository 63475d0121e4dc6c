import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { importPublicKey } from '../../src/rsa/index.js';
import { formatBasicAuth, parseBasicAuth, refreshTokenDigest, verifyHostBillBearer } from '../../src/schemes/hostbill/index.js';
import { loadVectors, REPO_ROOT } from '../helpers/wycheproof.js';

const file = loadVectors<{ numberOfTests: number; schemaVersion: number; testGroups: { type: string; tests: any[] }[] }>('hostbill.json');
const keyText = (p: string): string => readFileSync(join(REPO_ROOT, 'vectors', p), 'utf8');

describe('vectors/hostbill.json', () => {
  const all = file.testGroups.flatMap((g) => g.tests.map((t) => ({ type: g.type, ...t })));

  it('is well formed: numberOfTests, unique tcIds from 1', () => {
    expect(file.schemaVersion).toBe(1);
    expect(all.length).toBe(file.numberOfTests);
    expect(all.map((t) => t.tcId)).toEqual(all.map((_, i) => i + 1));
  });

  it.each(all.map((t) => [t.tcId, t.type, t.comment, t] as const))('tcId %i %s: %s', (_, type, __, t) => {
    switch (type) {
      case 'HostBillBasicFormat':
        expect(formatBasicAuth(t.input.username, t.input.password)).toBe(t.output.header);
        return;
      case 'HostBillBasicParse': {
        let got: unknown;
        try {
          got = parseBasicAuth(t.input.header);
        } catch (e) {
          if (!isHostsigError(e)) throw e;
          got = e.code;
        }
        expect(got).toEqual(t.result === 'valid' ? t.output : t.error);
        return;
      }
      case 'HostBillBearerVerify': {
        const r = verifyHostBillBearer(t.input.authorization, importPublicKey(keyText(t.input.key)), t.input.options);
        expect(r.ok ? 'valid' : r.code).toBe(t.result === 'valid' ? 'valid' : t.error);
        return;
      }
      case 'HostBillRefreshDigest':
        expect(refreshTokenDigest(t.input.refreshToken)).toBe(t.output.digest);
        return;
      default:
        throw new Error(`unknown group type ${type}`);
    }
  });
});
