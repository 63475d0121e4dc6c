// Nothing is retained in proportion to past input: the HostDime fast scan kept a scratch buffer
// of ~12x the largest body it had seen (one 20 MiB body left 240 MiB allocated).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { verifyHostDime, verifyHostDimeSync } from '../../src/schemes/hostdime/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function external(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

describe('bounded memory', () => {
  it('a 20 MiB HostDime body leaves no buffer behind (sync and async)', async () => {
    const big = `v=${'x'.repeat(20 << 20)}&api_key=k&api_timestamp=1&api_unique=u&api_hash=${'0'.repeat(64)}`;
    const before = external();
    const r = verifyHostDimeSync({ path: '/v1/a/b.json', body: big }, { privateKey: 'p', now: 1 });
    expect(r).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(await verifyHostDime({ path: '/v1/a/b.json', body: big }, { privateKey: 'p', now: 1 })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const after = external();
    expect((after - before) / (1 << 20)).toBeLessThan(8);
  });
});
