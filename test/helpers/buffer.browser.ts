// The slice of Node's Buffer that the oracle checks of some suites use (from a string or bytes;
// toString as hex, base64, base64url, utf8), for the browser project. It is written over
// @scure/base, so in the browser those checks compare hostsig with @scure/base, not with Node.
import { base64, base64urlnopad, hex } from '@scure/base';

type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'base64url';

class BrowserBuffer extends Uint8Array {
  override toString(enc: Encoding = 'utf8'): string {
    const plain = new Uint8Array(this);
    if (enc === 'hex') return hex.encode(plain);
    if (enc === 'base64') return base64.encode(plain);
    if (enc === 'base64url') return base64urlnopad.encode(plain);
    return new TextDecoder().decode(plain);
  }
}

function from(input: string | ArrayLike<number>, enc: Encoding = 'utf8'): BrowserBuffer {
  if (typeof input !== 'string') return new BrowserBuffer(Uint8Array.from(input));
  if (enc === 'hex') return new BrowserBuffer(hex.decode(input.toLowerCase()));
  if (enc === 'base64') return new BrowserBuffer(base64.decode(input));
  if (enc === 'base64url') return new BrowserBuffer(base64urlnopad.decode(input));
  return new BrowserBuffer(new TextEncoder().encode(input));
}

(globalThis as { Buffer?: unknown }).Buffer ??= { from };
