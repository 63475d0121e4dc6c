/**
 * hostsig's answers for the token schemes' vector group types (jwt-rs256, hostbill, whm,
 * hostkey), in the same shape the vector files hold: `stages` where there is a pipeline,
 * `output` where the result is a single value. Each answer comes from the public API only.
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.js';
import { signCompactJws, verifyJwt } from '../../jwt/index.js';
import { importPrivateKey, importPublicKey } from '../../rsa/index.js';
import { formatBasicAuth, parseBasicAuth, refreshTokenDigest, verifyHostBillBearer } from '../../schemes/hostbill/index.js';
import {
  digestHostKeyToken,
  HOSTKEY_TOKEN_RE,
  hostKeyApiKeyLogin,
  hostKeyCallbackCheck,
  hostKeyCheckPin,
  hostKeyInfo,
  hostKeyLogout,
  hostKeySetPin,
  hostKeyWhmcsLogin,
  MemoryHostKeyTokenStore,
  parseHostKeyLoginReply,
  parseHostKeyReply,
  verifyHostKeyPinHash,
  verifyHostKeyToken,
} from '../../schemes/hostkey/index.js';
import {
  digestWhmToken,
  ipAllowed,
  isWhmToken,
  parseWhmAuthorization,
  parseWhmTokenCreateReply,
  parseWhmTokenListReply,
  parseWhmTokenRevokeReply,
  verifyWhmAuthorization,
} from '../../schemes/whm/index.js';
import type { CaseAnswer, ImplContext } from './types.js';

type Impl = (input: any, ctx: ImplContext) => Promise<CaseAnswer> | CaseAnswer;

function codeOf(e: unknown): CaseAnswer {
  if (e instanceof Error && e.name === 'HostsigError') return { result: 'invalid', error: (e as Error & { code: string }).code };
  throw e;
}

/** Runs f; a HostsigError becomes an invalid answer with its code. */
async function guarded(f: () => CaseAnswer | Promise<CaseAnswer>): Promise<CaseAnswer> {
  try {
    return await f();
  } catch (e) {
    return codeOf(e);
  }
}

function keyText(ctx: ImplContext, path: unknown): string {
  if (typeof path !== 'string') throw new Error('input.key must be a path under vectors/');
  const text = ctx.files?.[path];
  if (text === undefined) throw new Error(`key file "${path}" was not sent with the request`);
  return text;
}

/** The four parts of a compact JWS as written (not decoded): what the vectors' stages hold. */
export function jwsStages(token: unknown): Record<string, string> | undefined {
  if (typeof token !== 'string') return undefined;
  const p = token.split('.');
  if (p.length !== 3) return undefined;
  return { headerB64: p[0]!, payloadB64: p[1]!, signingInput: `${p[0]}.${p[1]}`, signatureB64: p[2]! };
}

const HOSTKEY_BUILDERS: Record<string, (a: any) => { url: string; body: string }> = {
  whmcslogin: (a) => hostKeyWhmcsLogin(a),
  login: (a) => hostKeyApiKeyLogin(a.apiKey),
  logout: (a) => hostKeyLogout(a.token),
  info: (a) => hostKeyInfo(a.token),
  set_pin: (a) => hostKeySetPin(a),
  check_pin: (a) => hostKeyCheckPin(a),
  callback_check: (a) => hostKeyCallbackCheck(a),
};

export const TOKEN_IMPLS: Record<string, Impl> = {
  // jwt-rs256.json
  JwtRs256Sign: (input, ctx) =>
    guarded(() => {
      const token = signCompactJws(input.header, input.payload, importPrivateKey(keyText(ctx, input.key)));
      return { result: 'valid', stages: jwsStages(token)!, output: { token } };
    }),
  JwtRs256Verify: (input, ctx) => {
    const stages = jwsStages(input.token);
    const key = importPublicKey(keyText(ctx, input.key));
    try {
      verifyJwt(input.token, key, input.options);
      return { result: 'valid', ...(stages ? { stages } : {}) };
    } catch (e) {
      return { ...codeOf(e), ...(stages ? { stages } : {}) };
    }
  },

  // hostbill.json
  HostBillBasicFormat: (input) =>
    guarded(() => ({ result: 'valid', stages: { userPass: `${input.username}:${input.password}` }, output: { header: formatBasicAuth(input.username, input.password) } })),
  HostBillBasicParse: (input) => guarded(() => ({ result: 'valid', output: { ...parseBasicAuth(input.header) } })),
  HostBillBearerVerify: (input, ctx) =>
    guarded(() => {
      const r = verifyHostBillBearer(input.authorization, importPublicKey(keyText(ctx, input.key)), input.options);
      return r.ok ? { result: 'valid' } : { result: 'invalid', error: r.code };
    }),
  HostBillRefreshDigest: (input) => guarded(() => ({ result: 'valid', output: { digest: refreshTokenDigest(input.refreshToken) } })),

  // whm.json
  WhmHeaderParse: (input) =>
    guarded(() => {
      const a = parseWhmAuthorization(input.header);
      return { result: 'valid', stages: { scheme: a.scheme, user: a.user, kind: a.kind, credential: a.credential } };
    }),
  WhmTokenFormat: (input) =>
    guarded(async () => {
      const token = input.token as string;
      if (!isWhmToken(token)) {
        const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [] });
        return r.ok ? { result: 'valid' } : { result: 'invalid', error: r.code };
      }
      const digest = digestWhmToken(token);
      // The digest must be what verification looks up.
      const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [{ name: 'v', digest }] });
      return r.ok ? { result: 'valid', stages: { digest } } : { result: 'invalid', error: r.code };
    }),
  WhmCidrMatch: (input) => guarded(() => ({ result: 'valid', stages: { match: String(ipAllowed(input.ip, [input.cidr])) } })),
  WhmTokenApiReply: (input) =>
    guarded(() => {
      const { command, body } = input;
      if (command === 'api_token_create') {
        const r = parseWhmTokenCreateReply(body);
        return { result: 'valid', stages: { result: '1', token: r.token, name: r.info.name, expiresAt: r.info.expiresAt === null ? 'never' : String(r.info.expiresAt) } };
      }
      if (command === 'api_token_list') return { result: 'valid', stages: { result: '1', names: parseWhmTokenListReply(body).map((t) => t.name).join(',') } };
      parseWhmTokenRevokeReply(body);
      return { result: 'valid', stages: { result: '1' } };
    }),

  // hostkey.json
  HostKeyRequest: (input) =>
    guarded(() => {
      const b = HOSTKEY_BUILDERS[input.builder];
      if (!b) throw new Error(`unknown HostKey builder "${input.builder}"`);
      const r = b(input.args);
      return { result: 'valid', stages: { url: r.url, body: r.body } };
    }),
  HostKeyReply: (input) =>
    guarded(() => {
      const r = parseHostKeyReply(input.body);
      const stages: Record<string, string> = {};
      if (!r.ok) {
        if (!r.pending) return codeOf(parseHostKeyLoginReplyError(input.body));
        return { result: 'valid', stages: { shape: 'top', pending: 'true' } };
      }
      stages.shape = r.data === r.top ? 'top' : 'nested';
      if (r.callback) stages.callback = r.callback;
      // A reply that carries a "token" member anywhere is read as a login reply.
      if (/"token"\s*:/.test(String(input.body))) {
        const l = parseHostKeyLoginReply(input.body);
        stages.token = l.token;
        stages.tokenExpire = String(l.tokenExpire);
      }
      return { result: 'valid', stages };
    }),
  HostKeyTokenFormat: (input) =>
    guarded(async () => {
      const store = new MemoryHostKeyTokenStore();
      if (typeof input.token !== 'string' || !HOSTKEY_TOKEN_RE.test(input.token)) {
        const r = await verifyHostKeyToken(input.token, { store, now: 1 });
        return r.ok ? { result: 'valid' } : { result: 'invalid', error: r.code };
      }
      const digest = digestHostKeyToken(input.token);
      await store.put({ digest, subject: 's', expiresAt: 10, createdAt: 0, ip: null });
      const r = await verifyHostKeyToken(input.token, { store, now: 1 });
      return r.ok ? { result: 'valid', stages: { digest } } : { result: 'invalid', error: r.code };
    }),
  HostKeyPinHash: (input) =>
    guarded(async () => {
      const { pin, salt, N, r, p, dkLen } = input;
      const hash = bytesToHex(await scryptAsync(utf8ToBytes(String(pin)), hexToBytes(salt), { N, r, p, dkLen }));
      // The library's own check must accept the record it would store.
      if (!(await verifyHostKeyPinHash(pin, { alg: 'scrypt', N, r, p, dkLen, salt, hash }))) return { result: 'invalid', error: 'PIN_INVALID' };
      return { result: 'valid', stages: { hash } };
    }),
};

/** The error a reply that is not a success raises when parsed as a login reply. */
function parseHostKeyLoginReplyError(body: string): unknown {
  try {
    parseHostKeyLoginReply(body);
  } catch (e) {
    return e;
  }
  return new Error('a failed reply parsed as a login reply');
}
