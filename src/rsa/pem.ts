/**
 * PEM armor (RFC 7468, strict profile) for RSA keys. Internal to `hostsig/rsa`.
 */
import { base64ToBytes, bytesToBase64 } from '../core/bytes.js';
import { HostsigError } from '../core/errors.js';

/** A decoded PEM block: its label (`RSA PRIVATE KEY`, `PUBLIC KEY`, ...) and DER bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BEGIN_RE = /^-----BEGIN ([A-Z0-9 ]{1,64})-----$/;

/** True when `s` looks like PEM (after leading whitespace). */
export function isPem(s: string): boolean {
  return /^\s*-----BEGIN /.test(s);
}

/**
 * Decodes exactly one PEM block. Surrounding whitespace is allowed, other text is not.
 * RFC 1421 encryption headers (`Proc-Type: 4,ENCRYPTED`) are refused with `KEY_FORMAT_UNSUPPORTED`;
 * any other header line or malformed armor is `KEY_INVALID`.
 */
export function decodePem(text: string): PemBlock {
  const lines = text.trim().split(/\r?\n/);
  const first = lines[0]!.trim();
  const m = BEGIN_RE.exec(first);
  if (!m) throw new HostsigError('KEY_INVALID', 'PEM: no "-----BEGIN ...-----" line');
  const label = m[1]!;
  const endLine = `-----END ${label}-----`;
  const last = lines[lines.length - 1]!.trim();
  if (lines.length < 2 || last !== endLine) throw new HostsigError('KEY_INVALID', `PEM: expected "${endLine}" as the last line`);
  const body = lines.slice(1, -1).map((l) => l.trim());
  if (body.some((l) => l.includes(':'))) {
    if (body.some((l) => /^Proc-Type:\s*4,\s*ENCRYPTED/i.test(l) || /^DEK-Info:/i.test(l))) {
      throw new HostsigError('KEY_FORMAT_UNSUPPORTED', 'encrypted PEM (Proc-Type: 4,ENCRYPTED) is not supported: decrypt the key first (openssl rsa -in key.pem -out plain.pem)');
    }
    throw new HostsigError('KEY_INVALID', 'PEM: unexpected header line');
  }
  if (body.some((l) => l.includes('-----'))) throw new HostsigError('KEY_INVALID', 'PEM: more than one block');
  const b64 = body.join('');
  if (b64.length === 0) throw new HostsigError('KEY_INVALID', 'PEM: empty body');
  let der: Uint8Array;
  try {
    der = base64ToBytes(b64);
  } catch {
    throw new HostsigError('KEY_INVALID', 'PEM: body is not canonical base64');
  }
  return { label, der };
}

/** Wraps DER bytes in PEM armor with 64-character lines and a final newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = bytesToBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
