/**
 * The key a JWT is checked with, read the way a diagnosis needs: what the file really holds
 * (PKCS#1 or PKCS#8, private or public, by its DER, whatever its PEM label says), its size and
 * RFC 7638 thumbprint, and a mislabelled PEM named as a mistake of its own.
 */
import { importPublicKey, jwkThumbprint, type RsaPublicKey } from '../../rsa/index.js';
import type { Finding } from '../types.js';
import { looseBase64Bytes, looseUtf8Bytes, looseUtf8Text } from './text.js';

/** A JWT mistake: a finding with what reproduced it. */
export type JwtMistake = Finding & { detail: string };

export interface KeyInfo {
  /** What the file holds, by its contents: `PKCS#1 private`, `PKCS#8 private`, `SPKI public`, `PKCS#1 public`, `JWK`, `OpenSSH`, `DER`. */
  format: string;
  /** The PEM label, when PEM. */
  label?: string;
  bits?: number;
  thumbprint?: string;
  /** Why it did not import, when it did not. */
  error?: string;
}

/** DER element: tag and the offsets of its content. */
function derAt(b: Uint8Array, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > b.length) return null;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > b.length) return null;
  return { tag, start, end: start + len };
}

/** What a DER blob is, by its first elements. */
export function derKind(der: Uint8Array): 'pkcs1-private' | 'pkcs8-private' | 'spki' | 'pkcs1-public' | 'unknown' {
  const outer = derAt(der, 0);
  if (!outer || outer.tag !== 0x30) return 'unknown';
  const a = derAt(der, outer.start);
  if (!a) return 'unknown';
  const b = derAt(der, a.end);
  if (a.tag === 0x30 && b?.tag === 0x03) return 'spki';
  if (a.tag !== 0x02 || !b) return 'unknown';
  const small = a.end - a.start === 1 && der[a.start] === 0;
  if (small && b.tag === 0x30) return 'pkcs8-private';
  if (small && b.tag === 0x02) return 'pkcs1-private';
  if (!small && b.tag === 0x02) return 'pkcs1-public';
  return 'unknown';
}

type DerKind = ReturnType<typeof derKind>;
// Maps, not object literals: a label comes from the file, and must never find `constructor`.
const LABEL_KIND = new Map<string, DerKind>([
  ['RSA PRIVATE KEY', 'pkcs1-private'],
  ['PRIVATE KEY', 'pkcs8-private'],
  ['PUBLIC KEY', 'spki'],
  ['RSA PUBLIC KEY', 'pkcs1-public'],
]);
const KIND_LABEL = new Map([...LABEL_KIND].map(([l, k]) => [k, l]));
const KIND_NAME = new Map<DerKind, string>([
  ['pkcs1-private', 'PKCS#1 private'],
  ['pkcs8-private', 'PKCS#8 private'],
  ['spki', 'SPKI public'],
  ['pkcs1-public', 'PKCS#1 public'],
]);

/**
 * The first PEM block: its label, the text up to the next `-----END`, and whether that END
 * names the same label. Index scans: a lazy regex with a back-reference retries from every BEGIN.
 */
function pemBlock(text: string): { label: string; body: string; closed: boolean } | null {
  for (let at = text.indexOf('-----BEGIN '); at !== -1; at = text.indexOf('-----BEGIN ', at + 1)) {
    const start = at + 11;
    const end = text.indexOf('-----', start);
    if (end === -1) return null;
    const label = text.slice(start, end);
    if (!/^[A-Z0-9 ]+$/.test(label)) continue;
    const close = text.indexOf('-----END', end + 5);
    if (close === -1) return null;
    return { label, body: text.slice(end + 5, close), closed: text.startsWith(`-----END ${label}-----`, close) };
  }
  return null;
}

/** The PEM label/contents check of a key file. */
export function pemLabelMistake(text: string): JwtMistake | null {
  const block = pemBlock(text);
  if (!block?.closed) return null;
  const label = block.label;
  const want = LABEL_KIND.get(label);
  if (want === undefined) return null;
  const body = block.body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
  const der = looseBase64Bytes(body);
  const got = derKind(der);
  if (got === 'unknown' || got === want) return null;
  const right = KIND_LABEL.get(got)!;
  const id =
    got === 'pkcs8-private' && want === 'pkcs1-private'
      ? 'pem-label-pkcs8-as-pkcs1'
      : got === 'pkcs1-private' && want === 'pkcs8-private'
        ? 'pem-label-pkcs1-as-pkcs8'
        : got === 'spki' && want === 'pkcs1-public'
          ? 'pem-label-spki-as-pkcs1'
          : got === 'pkcs1-public' && want === 'spki'
            ? 'pem-label-pkcs1-as-spki'
            : `pem-label-${got}-as-${want}`;
  const convert =
    got === 'pkcs8-private'
      ? `relabel it "-----BEGIN ${right}-----", or convert it to the PKCS#1 form HostBill's ssh-keygen -m PEM key has with "openssl pkey -traditional -in key.pem"`
      : got === 'pkcs1-private'
        ? `relabel it "-----BEGIN ${right}-----", or convert it to PKCS#8 with "openssl pkcs8 -topk8 -nocrypt -in key.pem"`
        : `relabel it "-----BEGIN ${right}-----"`;
  return {
    id,
    title: `a ${KIND_NAME.get(got)} key pasted under a "${label}" label (${KIND_NAME.get(want)} expected)`,
    fix: `The key body is ${KIND_NAME.get(got)}: ${convert}.`,
    detail: `PEM label "${label}" but the DER inside is ${KIND_NAME.get(got)}`,
  };
}

export interface LoadedKey {
  key?: RsaPublicKey;
  info: KeyInfo;
  labelMistake?: JwtMistake;
}

/**
 * Reads a key for diagnosis: a key file's bytes (PEM, JWK JSON, OpenSSH line, or DER), or its
 * text. What it holds is named by its contents, whatever its label says.
 */
export function loadKeyForDiagnosis(content: Uint8Array | string): LoadedKey {
  const text = typeof content === 'string' ? content : looseUtf8Text(content);
  const bytes = typeof content === 'string' ? looseUtf8Bytes(content) : content;
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  let format = 'unknown';
  if (label) format = KIND_NAME.get(LABEL_KIND.get(label) ?? 'unknown') ?? label;
  else if (/^\s*\{/.test(text)) format = 'JWK';
  else if (/^\s*ssh-rsa /.test(text)) format = 'OpenSSH public';
  else format = KIND_NAME.has(derKind(bytes)) ? `${KIND_NAME.get(derKind(bytes))} (DER)` : 'DER';
  if (label) {
    const k = LABEL_KIND.get(label);
    const body = pemBlock(text)?.body.replace(/\s+/g, '') ?? '';
    const inside = derKind(looseBase64Bytes(body));
    if (k !== undefined && inside !== 'unknown' && inside !== k) format = `${KIND_NAME.get(inside)} (labelled ${label})`;
  }
  const info: KeyInfo = label ? { format, label } : { format };
  const labelMistake = pemLabelMistake(text) ?? undefined;
  try {
    const input = label || /^\s*(\{|ssh-rsa )/.test(text) ? text : bytes;
    const key = importPublicKey(input);
    info.bits = key.bits;
    info.thumbprint = jwkThumbprint(key);
    return labelMistake ? { key, info, labelMistake } : { key, info };
  } catch (e) {
    info.error = e instanceof Error ? `${(e as Error & { code?: string }).code ?? e.name}: ${e.message}` : String(e);
    return labelMistake ? { info, labelMistake } : { info };
  }
}
