/**
 * HostKey invapi: session tokens in form fields and PINs. Each rule looks at what was sent (and
 * the verifier's code) and names the mistake with its fix.
 */
import { HOSTKEY_TOKEN_RE } from '../schemes/hostkey/index.js';
import type { Finding } from './types.js';

export interface HostKeyDiagnoseInput {
  /** The verifier's failure code. */
  code: string;
  body?: string;
  query?: string;
  method?: string;
  pin?: string;
}

/** Every finding id diagnoseHostKey can name, in the order it checks them: the catalogue `hostsig diagnose --help` and docs/cli.md list. */
export const HOSTKEY_FINDINGS: readonly string[] = ['token-in-query', 'json-body', 'no-token', 'token-uppercase', 'token-truncated', 'unknown-session', 'session-expired', 'fix-ip', 'pin-format'];

/** What was wrong with a HostKey request (or PIN) that failed with `code`. */
export function diagnoseHostKey(input: HostKeyDiagnoseInput): Finding[] {
  const out: Finding[] = [];
  const q = new URLSearchParams(input.query ?? '');
  const b = new URLSearchParams(input.body ?? '');
  const token = b.get('token');
  if (input.code === 'MISSING_FIELD' && q.get('token')) out.push({ id: 'token-in-query', title: 'the token was sent in the URL query, not the form body', fix: 'POST the token as a form field (application/x-www-form-urlencoded body "token=..."), never in the URL.' });
  else if (input.code === 'MISSING_FIELD' && input.body && /^\s*[{[]/.test(input.body)) out.push({ id: 'json-body', title: 'the body is JSON, not a form', fix: 'Send application/x-www-form-urlencoded fields ("action=info&token=..."), as invapi expects.' });
  else if (input.code === 'MISSING_FIELD') out.push({ id: 'no-token', title: 'no token field', fix: 'Log in first (auth.php action=login or whmcslogin) and send the returned token as "token=..." in every call.' });
  if (token && !HOSTKEY_TOKEN_RE.test(token) && HOSTKEY_TOKEN_RE.test(token.toLowerCase())) out.push({ id: 'token-uppercase', title: 'the token was upper-cased', fix: 'Send the token exactly as the login reply gave it: 32 lower-case hex characters.' });
  if (token && token.length !== 32 && /^[0-9a-f]+$/i.test(token)) out.push({ id: 'token-truncated', title: `the token is ${token.length} characters, not 32`, fix: 'Send the whole 32-character token from the login reply.' });
  if (input.code === 'TOKEN_INVALID' && token && HOSTKEY_TOKEN_RE.test(token)) out.push({ id: 'unknown-session', title: 'a well-formed token the session store does not hold', fix: 'The session was logged out, revoked or issued by another server: log in again (auth.php) and use the new token.' });
  if (input.code === 'TOKEN_EXPIRED') out.push({ id: 'session-expired', title: 'the session is past its token_expire', fix: 'Log in again when the reply says the token expired (or before token_expire minus a skew), then retry once.' });
  if (input.code === 'IP_NOT_ALLOWED') out.push({ id: 'fix-ip', title: 'the token was issued with fix_ip=1 for another address', fix: 'Call from the address that logged in, or log in without fix_ip.' });
  if (input.code === 'PIN_INVALID' && input.pin !== undefined && !/^[0-9]{4,16}$/.test(input.pin)) out.push({ id: 'pin-format', title: 'the PIN is not 4 to 16 digits', fix: 'Send the PIN as digits only (no spaces or separators).' });
  return out;
}
