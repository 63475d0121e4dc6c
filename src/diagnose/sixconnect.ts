/**
 * 6connect ProVision: the mistakes real implementations make when building `hash`, each
 * re-derived from the raw query as the server received it. Pure (no `node:`, no `Buffer`): the
 * web page bundles it.
 */
import { base64ToBytes, bytesToBase64, bytesToBase64url, bytesToHex, hexToBytes, phpRawurlencode, phpUrldecode, utf8ToBytes } from '../core/index.js';
import { sixConnectHash } from '../schemes/sixconnect/index.js';
import { type Candidate, type DiagnoseReport, type Mistake, runMistakes } from './types.js';

export interface SixConnectDiagnoseInput {
  /** The raw query string (after `?`) as received, hash included. */
  query: string;
  secretKey: string;
  /** The hash to explain; default the query's `hash` param. */
  received?: string;
}

export interface SixConnectCtx {
  /** The bytes a correct implementation signs: everything before the last `&hash=`. */
  signed: string;
  /** The query's pairs without the hash pair, in order, raw. */
  pairs: string[];
  /** True when the hash pair is not the last one. */
  hashNotLast: boolean;
  secretKey: string;
}

/** Raw `a=b` pairs, split on `&`. */
function splitPairs(q: string): string[] {
  return q.split('&').filter((p) => p !== '');
}

function nameOf(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1 ? pair : pair.slice(0, eq);
}

/** Re-encodes every pair's name and value with `enc` (after PHP-style decoding). */
function reencode(pairs: string[], enc: (s: string) => string): string {
  return pairs
    .map((p) => {
      const eq = p.indexOf('=');
      const n = phpUrldecode(eq === -1 ? p : p.slice(0, eq));
      return eq === -1 ? enc(n) : `${enc(n)}=${enc(phpUrldecode(p.slice(eq + 1)))}`;
    })
    .join('&');
}

/** WHATWG application/x-www-form-urlencoded (URLSearchParams#toString). */
const whatwg = (s: string) => new URLSearchParams([['', s]]).toString().slice(1);
/** Python urllib.parse.quote_plus (safe '', keeps `_.-~`). */
const pyQuotePlus = (s: string) => phpRawurlencode(s).replace(/%20/g, '+');

function mac(signed: string, secret: string | Uint8Array, label: string): Candidate {
  return { label, signed, hash: sixConnectHash(signed, secret) };
}

export const SIXCONNECT_MISTAKES: readonly Mistake<SixConnectCtx>[] = [
  {
    id: 'hash-not-last',
    title: 'hash is not the last parameter (params after it are unsigned, or it came first)',
    fix: 'Append "&hash=..." as the very last parameter, after apiKey, and add nothing after it.',
    derive: (ctx) => (ctx.hashNotLast ? [mac(ctx.pairs.join('&'), ctx.secretKey, 'signed every param but hash, hash sent elsewhere')] : []),
  },
  {
    id: 'secret-hex-decoded',
    title: 'secret hex-decoded before use as the HMAC key',
    fix: 'Use the secret key as its literal ASCII bytes (hash_hmac(..., $secretKey, true)); do not hex-decode it.',
    derive: (ctx) => (/^(?:[0-9a-fA-F]{2})+$/.test(ctx.secretKey) ? [mac(ctx.signed, hexToBytes(ctx.secretKey.toLowerCase()), 'HMAC key = hex2bin(secret)')] : []),
  },
  {
    id: 'space-encoding',
    title: '"+" vs "%20": spaces signed in one form and sent in the other',
    fix: 'Sign the exact query bytes you send: encode spaces as "+" (PHP urlencode) both when signing and in the URL.',
    derive: (ctx) => [
      mac(ctx.signed.replace(/\+/g, '%20'), ctx.secretKey, 'signed %20, sent +'),
      mac(ctx.signed.replace(/%20/gi, '+'), ctx.secretKey, 'signed +, sent %20'),
    ],
  },
  {
    id: 'tilde',
    title: '"~" vs "%7E": tilde signed in one form and sent in the other',
    fix: 'Encode "~" as "%7E" (PHP urlencode) when signing and send those same bytes.',
    derive: (ctx) => [mac(ctx.signed.replace(/%7E/gi, '~'), ctx.secretKey, 'signed ~, sent %7E'), mac(ctx.signed.replace(/~/g, '%7E'), ctx.secretKey, 'signed %7E, sent ~')],
  },
  {
    id: 'rfc3986-encoding',
    title: 'signed an RFC 3986 encoding (rawurlencode / encodeURIComponent) instead of RFC 1738 urlencode',
    fix: "Encode names and values with PHP urlencode rules (space as +, only A-Z a-z 0-9 . _ - raw) when signing, exactly as in the URL you send.",
    derive: (ctx) => [
      mac(reencode(splitPairs(ctx.signed), phpRawurlencode), ctx.secretKey, 'rawurlencode / RFC 3986'),
      mac(reencode(splitPairs(ctx.signed), encodeURIComponent), ctx.secretKey, 'encodeURIComponent'),
      mac(reencode(splitPairs(ctx.signed), whatwg), ctx.secretKey, 'URLSearchParams (WHATWG form encoding)'),
      mac(reencode(splitPairs(ctx.signed), pyQuotePlus), ctx.secretKey, 'Python urllib.parse.urlencode (quote_plus)'),
    ],
  },
  {
    id: 'query-re-encoded',
    title: 'the query was re-encoded after signing (the server got other bytes than were signed)',
    fix: 'Sign the final query string and send it byte for byte: build the URL yourself instead of passing params to an HTTP library that encodes them again.',
    derive: (ctx) => [
      mac(reencode(splitPairs(ctx.signed), (s) => s), ctx.secretKey, 'signed the unencoded query'),
      mac(ctx.signed.replace(/%5B/gi, '[').replace(/%5D/gi, ']'), ctx.secretKey, 'signed literal [ ] in names'),
      mac(ctx.signed.replace(/%([0-9A-F]{2})/g, (_m, h: string) => `%${h.toLowerCase()}`), ctx.secretKey, 'signed lowercase %xx escapes'),
      mac(ctx.signed.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => `%${h.toUpperCase()}`), ctx.secretKey, 'signed uppercase %XX escapes'),
      mac(ctx.signed.replace(/%25/g, '%'), ctx.secretKey, 'encoded twice in transit (%25)'),
    ],
  },
  {
    id: 'params-sorted',
    title: 'params sorted before signing (OAuth habit)',
    fix: 'Sign the params in the order they are sent: target, action, the call params, apiKey last.',
    derive: (ctx) => [mac([...splitPairs(ctx.signed)].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0)).join('&'), ctx.secretKey, 'pairs sorted by name')],
  },
  {
    id: 'hash-encoding',
    title: 'the HMAC sent as hex or base64url instead of standard base64',
    fix: 'Send base64_encode(hash_hmac("sha256", $query, $secret, true)): raw bytes, standard base64 with padding.',
    derive: (ctx) => {
      const h = sixConnectHash(ctx.signed, ctx.secretKey);
      const bytes = base64ToBytes(h);
      return [
        { label: 'hex digest', signed: ctx.signed, hash: bytesToHex(bytes) },
        { label: 'base64url', signed: ctx.signed, hash: bytesToBase64url(bytes) },
        { label: 'base64 of the hex digest', signed: ctx.signed, hash: bytesToBase64(utf8ToBytes(bytesToHex(bytes))) },
      ];
    },
  },
];

/** The received hash as 32 bytes when it is base64 in any transport form; null otherwise. */
export function decodeReceived(raw: string): Uint8Array | null {
  const text = raw.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/ /g, '+');
  try {
    const b = base64ToBytes(text);
    return b.length === 32 ? b : null;
  } catch {
    return null;
  }
}

function sameHash(candidate: string, received: string): boolean {
  if (candidate === received) return true;
  const a = decodeReceived(candidate);
  const b = decodeReceived(received);
  return a !== null && b !== null && bytesToBase64(a) === bytesToBase64(b) && !/^[0-9a-f]{64}$/.test(candidate) && candidate.length === 44;
}

/** Splits the raw query around its hash param. */
export function sixConnectContext(input: SixConnectDiagnoseInput): SixConnectCtx & { received: string } {
  const q = input.query.replace(/^\?/, '');
  const all = splitPairs(q);
  const hashIdx = all.map(nameOf).lastIndexOf('hash');
  const at = q.lastIndexOf('&hash=');
  const hashRaw = hashIdx === -1 ? '' : all[hashIdx]!.slice(5);
  const pairs = all.filter((_p, i) => i !== hashIdx);
  const hashNotLast = hashIdx !== -1 && hashIdx !== all.length - 1;
  // What a correct server signs: everything before the last &hash= (nothing when hash came first).
  const signed = at !== -1 ? q.slice(0, at) : '';
  return { signed, pairs, hashNotLast, secretKey: input.secretKey, received: input.received ?? hashRaw };
}

/** Tries every 6connect mistake on a query whose hash does not verify. */
export function diagnoseSixConnect(input: SixConnectDiagnoseInput): DiagnoseReport {
  const ctx = sixConnectContext(input);
  const expected = sixConnectHash(ctx.signed, ctx.secretKey);
  const got = decodeReceived(ctx.received);
  const correct = !ctx.hashNotLast && got !== null && bytesToBase64(got) === expected;
  return runMistakes('sixconnect', SIXCONNECT_MISTAKES, ctx, { signed: ctx.signed, hash: expected }, ctx.received, sameHash, correct);
}

