/**
 * HostBill's Basic header: what was wrong with an `Authorization` that is not Basic or Bearer,
 * or with credentials that decode but do not match. (Bearer tokens are JWTs: see jwt/.)
 */
import { splitAuthorization } from '../schemes/hostbill/basic.js';
import type { Finding } from './types.js';

export interface HostBillBasicDiagnoseInput {
  /** The Authorization header value. */
  authorization: string;
  /** The verifier's failure code. */
  code: string;
  /** The e-mail the header carries, when it decoded. */
  username?: string;
  /** The e-mail the server expects, when known. */
  expectedUser?: string;
}

/** The scheme word of an Authorization value ('' when there is none). */
function schemeWord(authorization: string): string {
  try {
    return splitAuthorization(authorization).scheme;
  } catch {
    return '';
  }
}

/** Every finding id diagnoseHostBillBasic can name, in the order it checks them: the catalogue `hostsig diagnose --help` and docs/cli.md list. */
export const HOSTBILL_BASIC_FINDINGS: readonly string[] = ['scheme-word', 'email-whitespace'];

/** What was wrong with a HostBill Basic (or unknown-scheme) header that failed with `code`. */
export function diagnoseHostBillBasic(input: HostBillBasicDiagnoseInput): Finding[] {
  const word = schemeWord(input.authorization);
  if (input.code !== 'TOKEN_INVALID') {
    if (word === '' || /^bearer|^basic$/i.test(word)) return [];
    return [{ id: 'scheme-word', title: `"${word}" is not Basic or Bearer`, fix: 'Send "Authorization: Basic base64(email:password)" or "Authorization: Bearer <jwt>".' }];
  }
  const { username, expectedUser } = input;
  if (username === undefined || expectedUser === undefined || username === expectedUser || username.trim() !== expectedUser.trim()) return [];
  return [{ id: 'email-whitespace', title: 'the e-mail has whitespace around it', fix: 'The e-mail has extra whitespace: trim it before encoding.' }];
}
