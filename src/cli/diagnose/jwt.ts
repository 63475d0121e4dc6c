/**
 * `hostsig diagnose jwt`: given a token that does not verify and the key it should verify
 * with, name the mistake that reproduces it, each with a one-sentence fix.
 *
 * How each mistake is recognised (the CLI runs on Node, so node:crypto is used here to try the
 * other algorithms; the library itself stays RS256-only and pure TypeScript):
 * - wrong `alg`: `none`; HS256 whose HMAC reproduces with the public key's PEM text as the
 *   secret (the alg confusion); PS256/RS384/RS512/PS384/PS512 whose signature verifies under the
 *   same key with that algorithm;
 * - base64 instead of base64url: `=` padding or `+ /` in a part; the token verifies once the
 *   parts are re-encoded (or the signer signed the padded text);
 * - key mismatch: the RSA public operation on the signature gives no PKCS#1 v1.5 block under
 *   this key, so another key made it; the kid and the key's RFC 7638 thumbprint are shown, and
 *   `candidates` (other key files) are tried;
 * - payload re-serialized: the block is well formed under this key (right key) but holds the
 *   digest of other bytes; re-serializations of the header/payload (compact, spaced, sorted,
 *   indented) are hashed until one gives that digest;
 * - RS512/RS384 signed under an RS256 header: the block holds a SHA-512/384 DigestInfo;
 * - expired / not yet valid: with the signature good, the clock skew that would make it valid;
 * - a key file whose PEM label does not match its contents (PKCS#8 body under
 *   `RSA PRIVATE KEY`, PKCS#1 under `PRIVATE KEY`, and the public-key pairs).
 */
import { constants, createHash, createHmac, createPublicKey, type KeyObject, publicDecrypt, timingSafeEqual, verify as nodeVerify } from 'node:crypto';
import { verifyJwt } from '../../jwt/index.js';
import type { JwtVerifyOptions } from '../../jwt/index.js';
import { exportSpkiDer, exportSpkiPem, importPublicKey, jwkThumbprint, type RsaPrivateKey, type RsaPublicKey } from '../../rsa/index.js';

export interface JwtMistake {
  id: string;
  title: string;
  /** The fix, in one sentence. */
  fix: string;
  /** What reproduced it (numbers, strings). */
  detail: string;
}

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

export interface JwtDiagnoseReport {
  scheme: 'jwt';
  /** `valid`, or the code hostsig's verifyJwt fails with. */
  verdict: string;
  message?: string;
  correct: boolean;
  stages: {
    header?: string;
    payload?: string;
    headerB64?: string;
    payloadB64?: string;
    signingInput?: string;
    signatureB64?: string;
    /** sha256(signingInput) in hex: the digest an RS256 signature over this token must hold. */
    expectedDigest?: string;
    /** The digest the signature holds under this key (RSA public operation), when it is a PKCS#1 v1.5 block. */
    signedDigest?: string;
  };
  key: KeyInfo;
  kid?: string;
  matches: JwtMistake[];
  /** Mistake ids that were checked. */
  mistakes: string[];
}

export const JWT_MISTAKES = [
  'alg-none',
  'alg-hs256-public-key',
  'alg-hs256',
  'alg-other',
  'base64-padding',
  'base64-standard',
  'key-mismatch',
  'payload-reserialized',
  'token-modified',
  'expired-clock-skew',
  'not-yet-valid-clock-skew',
  'iat-in-future',
  'pem-label-pkcs8-as-pkcs1',
  'pem-label-pkcs1-as-pkcs8',
  'pem-label-spki-as-pkcs1',
  'pem-label-pkcs1-as-spki',
] as const;

// ---- the key file ----------------------------------------------------------------------

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

const LABEL_KIND: Record<string, string> = {
  'RSA PRIVATE KEY': 'pkcs1-private',
  'PRIVATE KEY': 'pkcs8-private',
  'PUBLIC KEY': 'spki',
  'RSA PUBLIC KEY': 'pkcs1-public',
};
const KIND_LABEL: Record<string, string> = Object.fromEntries(Object.entries(LABEL_KIND).map(([l, k]) => [k, l]));
const KIND_NAME: Record<string, string> = { 'pkcs1-private': 'PKCS#1 private', 'pkcs8-private': 'PKCS#8 private', spki: 'SPKI public', 'pkcs1-public': 'PKCS#1 public' };

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
  const want = LABEL_KIND[label];
  if (want === undefined) return null;
  const body = block.body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  const got = derKind(der);
  if (got === 'unknown' || got === want) return null;
  const right = KIND_LABEL[got]!;
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
    title: `a ${KIND_NAME[got]} key pasted under a "${label}" label (${KIND_NAME[want]} expected)`,
    fix: `The key body is ${KIND_NAME[got]}: ${convert}.`,
    detail: `PEM label "${label}" but the DER inside is ${KIND_NAME[got]}`,
  };
}

export interface LoadedKey {
  key?: RsaPublicKey;
  info: KeyInfo;
  labelMistake?: JwtMistake;
}

/** Reads a key file's content (PEM, JWK JSON, OpenSSH line, or DER bytes) for diagnosis. */
export function loadKeyForDiagnosis(content: Uint8Array): LoadedKey {
  const text = Buffer.from(content).toString('utf8');
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  let format = 'unknown';
  if (label) format = KIND_NAME[LABEL_KIND[label] ?? ''] ?? label;
  else if (/^\s*\{/.test(text)) format = 'JWK';
  else if (/^\s*ssh-rsa /.test(text)) format = 'OpenSSH public';
  else format = KIND_NAME[derKind(content)] ? `${KIND_NAME[derKind(content)]} (DER)` : 'DER';
  if (label) {
    const k = LABEL_KIND[label];
    const body = pemBlock(text)?.body.replace(/\s+/g, '') ?? '';
    const inside = derKind(new Uint8Array(Buffer.from(body, 'base64')));
    if (k !== undefined && inside !== 'unknown' && inside !== k) format = `${KIND_NAME[inside]} (labelled ${label})`;
  }
  const info: KeyInfo = label ? { format, label } : { format };
  const labelMistake = pemLabelMistake(text) ?? undefined;
  try {
    const input = label || /^\s*(\{|ssh-rsa )/.test(text) ? text : content;
    const key = importPublicKey(input);
    info.bits = key.bits;
    info.thumbprint = jwkThumbprint(key);
    return labelMistake ? { key, info, labelMistake } : { key, info };
  } catch (e) {
    info.error = e instanceof Error ? `${(e as Error & { code?: string }).code ?? e.name}: ${e.message}` : String(e);
    return labelMistake ? { info, labelMistake } : { info };
  }
}

// ---- the token -------------------------------------------------------------------------

const B64URL_RE = /^[A-Za-z0-9_-]*$/;

function b64decode(s: string): Buffer {
  // Trailing '=' cut by a loop: /=+$/ is quadratic on a run of '=' followed by anything else
  // (the token comes from an unauthenticated Authorization header).
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  return Buffer.from(s.slice(0, end).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

function nodeKey(key: RsaPublicKey): KeyObject {
  return createPublicKey({ key: Buffer.from(exportSpkiDer(key)), format: 'der', type: 'spki' });
}

const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** The RSA public operation on the signature: the PKCS#1 v1.5 block's hash name and digest, or null when it is no such block. */
export function recoverDigest(key: RsaPublicKey, signature: Uint8Array): { hash: string; digest: string } | null {
  if (signature.length !== key.size) return null;
  let em: Buffer;
  try {
    em = publicDecrypt({ key: nodeKey(key), padding: constants.RSA_NO_PADDING }, Buffer.from(signature));
  } catch {
    return null;
  }
  if (em[0] !== 0 || em[1] !== 1) return null;
  let i = 2;
  while (i < em.length && em[i] === 0xff) i++;
  if (i < 10 || em[i] !== 0) return null;
  const t = em.subarray(i + 1).toString('hex');
  for (const [hash, prefix] of Object.entries(DIGEST_INFO)) if (t.startsWith(prefix) && t.length === prefix.length + 2 * (hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64)) return { hash, digest: t.slice(prefix.length) };
  return null;
}

function sha(name: string, s: string): string {
  return createHash(name).update(s, 'utf8').digest('hex');
}

function safeEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Re-serializations a proxy, a framework or a "helpful" client applies to JSON. */
function reserializations(text: string): [string, string][] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  const sortKeys = (x: unknown): unknown => (Array.isArray(x) ? x.map(sortKeys) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])])) : x);
  const compact = JSON.stringify(v);
  const sorted = JSON.stringify(sortKeys(v));
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [
    ['compact JSON (JSON.stringify)', compact],
    ['keys sorted', sorted],
    ['Python json.dumps separators ", " ": "', pythonSeparators(compact)],
    ['keys sorted, Python separators', pythonSeparators(sorted)],
    ['indented by 2', JSON.stringify(v, null, 2)],
    ['indented by 4', JSON.stringify(v, null, 4)],
    ['non-ASCII escaped as \\uXXXX', ascii(compact)],
    ['keys sorted, non-ASCII escaped', ascii(sorted)],
    ['trailing newline', `${text}\n`],
    ['CRLF to LF', text.replace(/\r\n/g, '\n')],
  ];
}

export interface DiagnoseJwtInput {
  token: string;
  /** The key file's bytes. */
  keyFile: Uint8Array;
  /** Other key files to try when the key does not match (name -> bytes). */
  candidates?: [string, Uint8Array][];
  /** verifyJwt options; `now` in seconds. */
  options?: JwtVerifyOptions;
  /** Largest clock skew called a skew rather than an old token, in seconds. Default 300. */
  skewLimit?: number;
}

export function diagnoseJwt(input: DiagnoseJwtInput): JwtDiagnoseReport {
  const token = input.token.trim();
  const loaded = loadKeyForDiagnosis(input.keyFile);
  const key = loaded.key;
  const opts: JwtVerifyOptions = { ...(input.options ?? {}) };
  const now = typeof opts.now === 'number' ? opts.now : Date.now() / 1000;
  opts.now = now;
  const matches: JwtMistake[] = [];
  const rep: JwtDiagnoseReport = { scheme: 'jwt', verdict: 'unknown', correct: false, stages: {}, key: loaded.info, matches, mistakes: [...JWT_MISTAKES] };
  if (loaded.labelMistake) matches.push(loaded.labelMistake);

  const parts = token.split('.');
  if (parts.length === 3) {
    rep.stages.headerB64 = parts[0]!;
    rep.stages.payloadB64 = parts[1]!;
    rep.stages.signingInput = `${parts[0]}.${parts[1]}`;
    rep.stages.signatureB64 = parts[2]!;
    rep.stages.header = b64decode(parts[0]!).toString('utf8');
    rep.stages.payload = b64decode(parts[1]!).toString('utf8');
    rep.stages.expectedDigest = sha('sha256', rep.stages.signingInput);
  }
  if (key !== undefined && parts.length === 3) {
    const r0 = recoverDigest(key, b64decode(parts[2]!));
    if (r0 !== null) rep.stages.signedDigest = r0.hash === 'sha256' ? r0.digest : `${r0.hash} ${r0.digest}`;
  }
  if (key === undefined) {
    rep.verdict = 'KEY_INVALID';
    rep.message = `the key did not import: ${loaded.info.error ?? 'unknown format'}`;
    return rep;
  }
  try {
    verifyJwt(token, key, opts);
    rep.verdict = 'valid';
    rep.correct = true;
    return rep;
  } catch (e) {
    rep.verdict = (e as Error & { code?: string }).code ?? 'INVALID';
    rep.message = (e as Error).message;
  }
  if (parts.length !== 3) return rep;
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(rep.stages.header!) as Record<string, unknown>;
  } catch {
    /* a header that is not JSON: the verdict says so */
  }
  if (typeof header.kid === 'string') rep.kid = header.kid;
  const alg = typeof header.alg === 'string' ? header.alg : String(header.alg);
  const sig = b64decode(s);
  const nk = nodeKey(key);
  // What the token would be with its parts re-encoded as base64url.
  const hN = b64url(b64decode(h));
  const pN = b64url(b64decode(p));
  const signingInputs: [string, string][] = [['as sent', `${h}.${p}`]];
  if (hN !== h || pN !== p) signingInputs.push(['re-encoded as base64url', `${hN}.${pN}`]);

  // 1. alg
  if (/^none$/i.test(alg)) {
    matches.push({ id: 'alg-none', title: `unsigned token: alg "${alg}"`, fix: 'Sign the token with RS256 and the RSA private key: a verifier never accepts an unsigned ("none") token.', detail: `header alg "${alg}", signature ${s.length ? `of ${sig.length} bytes` : 'empty'}` });
    return rep;
  }
  if (/^HS(256|384|512)$/.test(alg)) {
    const bits = alg.slice(2);
    const secrets: [string, string][] = [
      ['the key file as given', Buffer.from(input.keyFile).toString('utf8')],
      ['the SPKI PEM of the key', exportSpkiPem(key)],
      ['the SPKI PEM without its final newline', exportSpkiPem(key).replace(/\n$/, '')],
      ['the key file without its final newline', Buffer.from(input.keyFile).toString('utf8').replace(/\r?\n$/, '')],
    ];
    for (const [label, secret] of secrets) {
      for (const [how, si] of signingInputs) {
        if (safeEq(createHmac(`sha${bits}`, secret).update(si).digest(), sig)) {
          matches.push({
            id: 'alg-hs256-public-key',
            title: `alg confusion: ${alg} with the RSA public key's PEM text as the HMAC secret`,
            fix: 'Sign with RS256 and the RSA private key; a verifier must pin alg to RS256 (hostsig does), so an HMAC token made from the public key is always refused.',
            detail: `HMAC-SHA${bits}(secret = ${label}, signing input ${how}) equals the signature`,
          });
          return rep;
        }
      }
    }
    matches.push({ id: 'alg-hs256', title: `HMAC token: alg "${alg}" (HostBill uses RS256)`, fix: `Sign with RS256 and the RSA private key instead of an ${alg} shared secret.`, detail: `header alg "${alg}"; no HMAC with the key's PEM text reproduces the signature` });
    return rep;
  }
  if (alg !== 'RS256') {
    const tries: [string, string, number | undefined][] = [
      ['RS384', 'sha384', undefined],
      ['RS512', 'sha512', undefined],
      ['PS256', 'sha256', constants.RSA_PKCS1_PSS_PADDING],
      ['PS384', 'sha384', constants.RSA_PKCS1_PSS_PADDING],
      ['PS512', 'sha512', constants.RSA_PKCS1_PSS_PADDING],
    ];
    for (const [name, hash, padding] of tries) {
      let ok = false;
      try {
        ok = nodeVerify(hash, Buffer.from(`${h}.${p}`), padding === undefined ? nk : { key: nk, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
      } catch {
        ok = false;
      }
      if (ok) {
        matches.push({ id: 'alg-other', title: `right key, wrong algorithm: ${name}${name === alg ? '' : ` under an "${alg}" header`}`, fix: `Sign with RS256 (RSASSA-PKCS1-v1_5 with SHA-256) instead of ${name}: HostBill tokens are RS256 only.`, detail: `the signature verifies as ${name} under this key` });
        return rep;
      }
    }
    matches.push({ id: 'alg-other', title: `alg "${alg}" is not RS256`, fix: 'Sign with RS256 and the RSA private key: no other alg is accepted.', detail: `header alg "${alg}"; no RSA variant verifies under this key (another key, or another key type)` });
    return rep;
  }

  // 2. base64 instead of base64url
  const standard = /[+/]/.test(token);
  const padded = /=/.test(token);
  if ((standard || padded) && [h, p, s].every((x) => /^[A-Za-z0-9+/=_-]*$/.test(x))) {
    const fixed = `${hN}.${pN}.${b64url(sig)}`;
    let verifies = false;
    try {
      verifyJwt(fixed, key, { ...opts });
      verifies = true;
    } catch (e) {
      verifies = (e as { code?: string }).code !== 'SIGNATURE_INVALID' && (e as { code?: string }).code !== 'JWT_MALFORMED';
    }
    const signedPadded = !verifies && nodeVerify('sha256', Buffer.from(`${h}.${p}`), nk, sig);
    const what = [padded ? '"=" padding' : '', standard ? '"+" or "/" (standard base64)' : ''].filter(Boolean).join(' and ');
    matches.push({
      id: padded ? 'base64-padding' : 'base64-standard',
      title: `parts encoded as base64 with ${what}, not base64url`,
      fix: 'Encode each part as base64url without padding (RFC 7515 section 2: "-" and "_" for "+" and "/", no "="), e.g. Buffer.toString("base64url").',
      detail: verifies ? 'the same token re-encoded as base64url verifies' : signedPadded ? 'the signature covers the base64 (padded) text itself: re-sign over base64url parts' : 're-encoded as base64url, it still does not verify (see the other findings)',
    });
    if (verifies || signedPadded) return rep;
  } else if (![h, p, s].every((x) => B64URL_RE.test(x))) {
    matches.push({ id: 'base64-standard', title: 'a part holds characters outside base64url (whitespace, quotes, line breaks)', fix: 'Send the token exactly as issued, on one line, without quotes or whitespace.', detail: 'a part is not [A-Za-z0-9_-]' });
    return rep;
  }

  // 3. the signature under this key
  const rec = recoverDigest(key, sig);
  if (rec === null) {
    const kidNote = rep.kid !== undefined ? `token kid "${rep.kid}"` : 'token has no kid';
    let found: string | undefined;
    for (const [name, bytes] of input.candidates ?? []) {
      const c = loadKeyForDiagnosis(bytes).key;
      if (c && recoverDigest(c, sig) !== null) {
        found = `${name} (thumbprint ${jwkThumbprint(c)})`;
        break;
      }
    }
    matches.push({
      id: 'key-mismatch',
      title: 'signed with a different key',
      fix: found ? `Verify with the key the issuer signs with, ${found}, or have the issuer sign with the private key of the key you verify with.` : 'Verify with the public key of the private key the issuer signs with (compare the kid and the RFC 7638 thumbprints), or have the issuer sign with the matching private key.',
      detail: `under this key (${key.bits} bits, thumbprint ${loaded.info.thumbprint}) the signature is no PKCS#1 v1.5 block; ${kidNote}${found ? `; it verifies under ${found}` : ''}${sig.length !== key.size ? `; the signature is ${sig.length} bytes, this key's are ${key.size}` : ''}`,
    });
    return rep;
  }
  if (rec.hash !== 'sha256') {
    const name = rec.hash === 'sha384' ? 'RS384' : 'RS512';
    matches.push({ id: 'alg-other', title: `right key, wrong algorithm: signed as ${name} under an RS256 header`, fix: `Sign with RS256 (SHA-256) instead of ${name}, so the signature matches the header's alg.`, detail: `the signature holds a ${rec.hash.toUpperCase()} DigestInfo` });
    return rep;
  }
  if (rec.digest !== rep.stages.expectedDigest) {
    // Right key, other bytes: find the bytes that were signed.
    const header0 = b64decode(h).toString('utf8');
    const payload0 = b64decode(p).toString('utf8');
    const headerVariants: [string, string][] = [['as sent', header0], ...reserializations(header0)];
    const payloadVariants: [string, string][] = [['as sent', payload0], ...reserializations(payload0)];
    for (const [hl, hv] of headerVariants) {
      for (const [pl, pv] of payloadVariants) {
        if (hl === 'as sent' && pl === 'as sent') continue;
        const si = `${b64url(Buffer.from(hv))}.${b64url(Buffer.from(pv))}`;
        if (sha('sha256', si) === rec.digest) {
          const which = [hl !== 'as sent' ? 'header' : '', pl !== 'as sent' ? 'payload' : ''].filter(Boolean).join(' and ');
          matches.push({
            id: 'payload-reserialized',
            title: `the ${which} was re-serialized after signing`,
            fix: 'Forward the token exactly as issued: never decode and re-encode its header or payload (whitespace and key order are part of what is signed).',
            detail: `the signature covers the ${which} as ${pl !== 'as sent' ? pl : hl}: ${pl !== 'as sent' ? pv : hv}`,
          });
          return rep;
        }
      }
    }
    matches.push({ id: 'token-modified', title: 'right key, but the signed bytes differ from the token', fix: 'The header or payload was changed after signing: send the token exactly as the issuer made it, and have the issuer sign the final claims.', detail: `the signature holds sha256 ${rec.digest}, the token's signing input hashes to ${rep.stages.expectedDigest}` });
    return rep;
  }

  // 4. the signature is good: the claims and the clock
  let claims: Record<string, unknown> = {};
  try {
    claims = JSON.parse(b64decode(p).toString('utf8')) as Record<string, unknown>;
  } catch {
    return rep;
  }
  const limit = input.skewLimit ?? 300;
  const tol = typeof opts.clockTolerance === 'number' ? opts.clockTolerance : 0;
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  const skewFix = (skew: number, claim: string) =>
    skew <= limit
      ? `The clocks differ by about ${skew} s: sync the issuer's and the verifier's clocks with NTP, or allow clockTolerance of ${skew} s.`
      : `The token is ${claim === 'exp' ? 'expired' : 'not valid yet'} by ${skew} s, more than a clock skew: ${claim === 'exp' ? 'get a new token (refresh) and check the issuer sets exp from the current time' : 'check the issuer sets nbf/iat from the current time, not a future one'}.`;
  if (rep.verdict === 'JWT_EXPIRED' && typeof claims.exp === 'number') {
    const skew = Math.ceil(now - tol - claims.exp) + 1;
    matches.push({ id: 'expired-clock-skew', title: `expired at ${iso(claims.exp)}, ${skew} s before the verifier's clock`, fix: skewFix(skew, 'exp'), detail: `now ${Math.floor(now)} (${iso(Math.floor(now))}), exp ${claims.exp}: valid with a clock ${skew} s earlier (clockTolerance ${skew})` });
  } else if (rep.verdict === 'JWT_NOT_YET_VALID') {
    const claim = typeof claims.nbf === 'number' && claims.nbf > now + tol ? 'nbf' : 'iat';
    const t = claims[claim] as number;
    const skew = Math.ceil(t - tol - now);
    matches.push({ id: claim === 'nbf' ? 'not-yet-valid-clock-skew' : 'iat-in-future', title: `${claim} ${iso(t)} is ${skew} s after the verifier's clock`, fix: skewFix(skew, claim), detail: `now ${Math.floor(now)}, ${claim} ${t}: valid with a clock ${skew} s later (clockTolerance ${skew})` });
  }
  return rep;
}

/** Python's `json.dumps` separators (`", "`, `": "`) over compact JSON, outside strings; one pass. */
function pythonSeparators(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    out += c;
    if (inString) {
      if (c === '\\') out += json[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',' || c === ':') out += ' ';
  }
  return out;
}
