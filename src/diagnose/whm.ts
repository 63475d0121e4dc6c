/**
 * cPanel & WHM: its failures are not about a hash, so each rule looks at the Authorization
 * header that was sent (and the verifier's code) and names the mistake with its fix.
 */
import { WHM_TOKEN_RE } from '../schemes/whm/index.js';
import type { Finding } from './types.js';

/** Token lists per user, as plain data: only whether a user has any of a kind matters here. */
export interface WhmTokenLists {
  /** `Authorization: whm USER:TOKEN` tokens per user. */
  tokens?: Readonly<Record<string, readonly unknown[]>>;
  /** `Authorization: cpanel USER:TOKEN` tokens per cPanel account. */
  cpanelTokens?: Readonly<Record<string, readonly unknown[]>>;
}

export interface WhmDiagnoseInput {
  authorization: string | undefined;
  /** The verifier's failure code. */
  code: string;
  path?: string;
  whm?: WhmTokenLists;
}

/** base64 to a latin1 string ('' when it does not decode), as Buffer.from(s, 'base64').toString('latin1') on valid input. */
function latin1FromBase64(s: string): string {
  try {
    return atob(s);
  } catch {
    return '';
  }
}

/** Every finding id diagnoseWhm can name, in the order it checks them: the catalogue `hostsig diagnose --help` and docs/cli.md list. */
export const WHM_FINDINGS: readonly string[] = ['no-header', 'scheme-word', 'space-not-colon', 'token-lowercase', 'base64-encoded', 'token-truncated-or-padded', 'token-expired', 'ip-not-whitelisted', 'cpanel-token-on-whm-path', 'wrong-scheme-word'];

/** What was wrong with a WHM/cPanel Authorization header that failed with `code`. */
export function diagnoseWhm(input: WhmDiagnoseInput): Finding[] {
  const a = (input.authorization ?? '').trim();
  const out: Finding[] = [];
  const split = firstWord(a);
  const word = split?.word ?? a;
  const rest = split?.rest ?? '';
  if (!a) return [{ id: 'no-header', title: 'no Authorization header', fix: 'Send "Authorization: whm USER:TOKEN" (WHM) or "Authorization: cpanel USER:TOKEN" (cPanel UAPI).' }];
  if (/^(bearer|basic|token)$/i.test(word)) {
    out.push({ id: 'scheme-word', title: `"${word}" instead of "whm"/"cpanel"`, fix: 'Use the scheme word cPanel expects: "Authorization: whm USER:TOKEN" for WHM, "cpanel USER:TOKEN" for UAPI.', detail: `header starts with "${word}"` });
    return out;
  }
  const colon = rest.indexOf(':');
  // No colon: "whm root TOKEN" (the token is the second word) or "whm <base64 of root:TOKEN>" (the one word is the credential).
  const cred = colon === -1 ? (/\s/.test(rest) ? rest.split(/\s+/)[1] ?? '' : rest) : rest.slice(colon + 1);
  if (colon === -1 && /\s/.test(rest)) out.push({ id: 'space-not-colon', title: 'user and token separated by a space', fix: 'Join user and token with a colon: "whm USER:TOKEN".', detail: `"${word} ${rest.replace(/\s\S+$/, ' ...')}"` });
  if (cred && !WHM_TOKEN_RE.test(cred) && WHM_TOKEN_RE.test(cred.toUpperCase())) out.push({ id: 'token-lowercase', title: 'the token was lower-cased', fix: 'Send the token exactly as api_token_create returned it: 32 upper-case letters and digits.' });
  if (cred && /^[A-Za-z0-9+/]+=*$/.test(cred) && cred.length % 4 === 0 && !WHM_TOKEN_RE.test(cred) && /:/.test(latin1FromBase64(cred))) {
    out.push({ id: 'base64-encoded', title: 'USER:TOKEN was base64-encoded (as for Basic auth)', fix: 'Send "whm USER:TOKEN" in plain text: cPanel tokens are not base64-encoded.' });
  }
  if (cred.length && cred.length !== 32 && looksLikeToken(cred) && !/^\s*WHM /.test(a)) out.push({ id: 'token-truncated-or-padded', title: `the token is ${cred.length} characters, not 32`, fix: 'Copy the whole 32-character token, with nothing before or after it (no quotes or newline).' });
  if (input.code === 'TOKEN_EXPIRED') out.push({ id: 'token-expired', title: 'the token is past its expires_at', fix: 'Create a new token (api_token_create) or raise its expiry; expired tokens stay listed but never work.' });
  if (input.code === 'IP_NOT_ALLOWED') out.push({ id: 'ip-not-whitelisted', title: 'the client address is outside the token\'s whitelist_ip', fix: 'Call from an allowed address, or add this address (or its CIDR) to the token\'s whitelist_ip.' });
  if (input.code === 'PATH_NOT_ALLOWED') out.push({ id: 'cpanel-token-on-whm-path', title: `a cpanel token used on ${input.path ?? 'a WHM path'}`, fix: 'cPanel tokens reach UAPI (/execute/), /json-api/cpanel itself and the few cpsrvd paths docs/whm.md lists: call UAPI on port 2083, or use a WHM token ("whm USER:TOKEN") for /json-api/ functions.' });
  if (input.code === 'TOKEN_INVALID' && !out.length && split) {
    const user = rest.slice(0, colon === -1 ? undefined : colon);
    const scheme = word.toLowerCase();
    const other = tokensOf(scheme === 'cpanel' ? input.whm?.tokens : input.whm?.cpanelTokens, user);
    if (other?.length) out.push({ id: 'wrong-scheme-word', title: `"${user}" has ${scheme === 'cpanel' ? 'WHM' : 'cPanel'} tokens, not ${scheme} ones`, fix: `Use "${scheme === 'cpanel' ? 'whm' : 'cpanel'} ${user}:TOKEN": WHM and cPanel tokens are separate.` });
  }
  return out;
}

/** A token with characters cut off (16 to 31 of [A-Z0-9]) or added after it (32 of them, then more). */
function looksLikeToken(cred: string): boolean {
  return cred.length > 32 ? WHM_TOKEN_RE.test(cred.slice(0, 32)) : /^[A-Z0-9]{16,31}$/.test(cred);
}

/**
 * The first word and the rest of the line after the blanks that follow it, or null when there is
 * no blank or the rest spans lines. Index scans: `/^(\S+)\s+(.*)$/` backtracks on blank runs.
 */
function firstWord(a: string): { word: string; rest: string } | null {
  let i = 0;
  while (i < a.length && !/\s/.test(a[i]!)) i++;
  let j = i;
  while (j < a.length && /\s/.test(a[j]!)) j++;
  if (i === 0 || j === i) return null;
  const rest = a.slice(j);
  return /[\n\r\u2028\u2029]/.test(rest) ? null : { word: a.slice(0, i), rest };
}

/** A user's token list; the user comes from the header, so only own entries count (never `constructor`). */
function tokensOf(lists: WhmTokenLists['tokens'], user: string): readonly unknown[] | undefined {
  if (lists === undefined || !Object.hasOwn(lists, user)) return undefined;
  const l = lists[user];
  return Array.isArray(l) ? l : undefined;
}
