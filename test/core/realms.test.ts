// Bytes from another realm (a node:vm context, like an iframe or JSDOM window) are real
// Uint8Arrays and are accepted wherever hostsig takes bytes; look-alikes are refused with a
// HostsigError, never a TypeError from deep inside.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bytesToHex, equalBytes, hmacSha256, HostsigError, parseStr, sha256 } from '../../src/core/index.js';
import { exportSpkiDer, importPublicKey } from '../../src/rsa/index.js';
import { sixConnectMac, verifySixConnectSync } from '../../src/schemes/sixconnect/index.js';

const foreign = (bytes: Uint8Array): Uint8Array => runInNewContext(`new Uint8Array([${Array.from(bytes).join(',')}])`) as Uint8Array;
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const QUERY = 'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB';
const SECRET = '48b278ec873bda4738923dbc467f8669';
const HASH = 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';
const spkiDer = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'keys', 'rsa2048.spki.der')));

/** Things that look like a Uint8Array to a careless check, and are not one. */
function spoofs(real: Uint8Array): [string, unknown][] {
  const plain = Object.assign(Object.create(null) as object, { length: real.length }, Array.from(real));
  return [
    ['{constructor:{name:"Uint8Array"}}', { ...plain, constructor: { name: 'Uint8Array' }, byteLength: real.length, byteOffset: 0 }],
    ['a Proxy over a plain object', new Proxy({ length: real.length }, { get: (t, k) => (k === 'constructor' ? Uint8Array : Reflect.get(t, k)) })],
    ['a DataView', new DataView(real.buffer.slice(0))],
    ['a Uint16Array', new Uint16Array(real.length)],
    ['an Array of numbers', Array.from(real)],
    ['an ArrayBuffer', real.buffer.slice(0)],
  ];
}

function refused(fn: () => unknown): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(HostsigError);
}

describe('bytes from another realm', () => {
  it('are not instanceof this realm, and still accepted', () => {
    expect(foreign(ascii('a')) instanceof Uint8Array).toBe(false);
  });

  it('hmacSha256 and sha256', () => {
    const key = ascii(SECRET);
    const msg = ascii(QUERY);
    expect(hmacSha256(foreign(key), foreign(msg))).toEqual(hmacSha256(key, msg));
    expect(bytesToHex(sha256(foreign(msg)))).toBe(bytesToHex(sha256(msg)));
  });

  it('equalBytes', () => {
    expect(equalBytes(foreign(ascii('abc')), ascii('abc'))).toBe(true);
    expect(equalBytes(foreign(ascii('abc')), foreign(ascii('abd')))).toBe(false);
  });

  it('verifySixConnect with a secret given as bytes', () => {
    const r = verifySixConnectSync({ url: `https://h/api.php?${QUERY}&hash=${HASH}` }, { secretKey: foreign(ascii(SECRET)) });
    expect(r).toMatchObject({ ok: true });
    expect(sixConnectMac(foreign(ascii(QUERY)), SECRET)).toEqual(sixConnectMac(ascii(QUERY), SECRET));
  });

  it('parseStr over a body given as bytes', () => {
    expect([...parseStr(foreign(ascii('a=1&b[]=2')))]).toEqual([...parseStr('a=1&b[]=2')]);
  });

  it('RSA key import of DER bytes', () => {
    expect(exportSpkiDer(importPublicKey(foreign(spkiDer)))).toEqual(spkiDer);
  });
});

describe('look-alikes are refused with HostsigError', () => {
  it.each(spoofs(ascii('abc')))('%s', (_name, fake) => {
    const f = fake as Uint8Array;
    refused(() => hmacSha256(f, ascii('m')));
    refused(() => hmacSha256(ascii('k'), f));
    refused(() => equalBytes(f, ascii('abc')));
    refused(() => equalBytes(ascii('abc'), f));
    refused(() => parseStr(f));
    refused(() => importPublicKey(f));
    refused(() => sixConnectMac(f, SECRET));
    const r = verifySixConnectSync({ url: `https://h/api.php?${QUERY}&hash=${HASH}` }, { secretKey: f });
    expect(r.ok).toBe(false);
  });
});

// Two look-alikes that once slipped through: noble's own sha256 answered a DataView with a
// TypeError, and an object given Uint8Array.prototype passed `instanceof`.
describe('look-alikes that pass naive checks', () => {
  it('sha256 refuses a look-alike with HostsigError', () => {
    refused(() => sha256(new DataView(new ArrayBuffer(3)) as unknown as Uint8Array));
  });

  it('an object with Uint8Array.prototype is refused', () => {
    const fake = Object.setPrototypeOf({ length: 0 }, Uint8Array.prototype) as Uint8Array;
    refused(() => equalBytes(fake, new Uint8Array(0)));
  });
});
