// The browser twin of the `node:crypto` oracle calls some suites make (createHash, createHmac
// over SHA-256). In Node those suites use node:crypto, an independent implementation; in the
// browser this shim uses @noble/hashes, so there it checks the scheme code, not the hash.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';

type Data = string | Uint8Array;
const bytes = (d: Data): Uint8Array => (typeof d === 'string' ? new TextEncoder().encode(d) : d);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

class Digest {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly finish: (msg: Uint8Array) => Uint8Array) {}
  update(d: Data, _enc?: string): this {
    this.parts.push(bytes(d));
    return this;
  }
  digest(enc: 'hex' | 'base64'): string {
    const msg = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of this.parts) (msg.set(p, off), (off += p.length));
    const out = this.finish(msg);
    return enc === 'hex' ? hex(out) : base64.encode(out);
  }
}

function only256(alg: string): void {
  if (alg !== 'sha256') throw new Error(`node-crypto.browser: only sha256, got ${alg}`);
}

export function createHash(alg: string): Digest {
  only256(alg);
  return new Digest((m) => sha256(m));
}

export function createHmac(alg: string, key: Data): Digest {
  only256(alg);
  return new Digest((m) => hmac(sha256, bytes(key), m));
}
