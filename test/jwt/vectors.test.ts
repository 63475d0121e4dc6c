import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHostsigError } from '../../src/core/errors.js';
import { signCompactJws, verifyJwt } from '../../src/jwt/index.js';
import { importPrivateKey, importPublicKey } from '../../src/rsa/index.js';
import { loadVectors, REPO_ROOT } from '../helpers/wycheproof.js';

const file = loadVectors<{ numberOfTests: number; schemaVersion: number; testGroups: { type: string; tests: any[] }[] }>('jwt-rs256.json');
const keyText = (p: string): string => readFileSync(join(REPO_ROOT, 'vectors', p), 'utf8');

describe('vectors/jwt-rs256.json', () => {
  const all = file.testGroups.flatMap((g) => g.tests.map((t) => ({ type: g.type, ...t })));

  it('is well formed: numberOfTests, unique tcIds from 1', () => {
    expect(file.schemaVersion).toBe(1);
    expect(all.length).toBe(file.numberOfTests);
    expect(all.map((t) => t.tcId)).toEqual(all.map((_, i) => i + 1));
  });

  it.each(all.map((t) => [t.tcId, t.type, t.comment, t] as const))('tcId %i %s: %s', (_, type, __, t) => {
    if (type === 'JwtRs256Sign') {
      const token = signCompactJws(t.input.header, t.input.payload, importPrivateKey(keyText(t.input.key)));
      const [h, p] = token.split('.');
      expect(h).toBe(t.stages.headerB64);
      expect(p).toBe(t.stages.payloadB64);
      expect(token).toBe(t.output.token);
      return;
    }
    expect(type).toBe('JwtRs256Verify');
    let code = 'valid';
    try {
      verifyJwt(t.input.token, importPublicKey(keyText(t.input.key)), t.input.options);
    } catch (e) {
      if (!isHostsigError(e)) throw e;
      code = e.code;
    }
    expect(code).toBe(t.result === 'valid' ? 'valid' : t.error);
  });
});
