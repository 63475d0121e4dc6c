/**
 * A request no configured scheme took (SCHEME_UNKNOWN): what it looks like instead.
 */
import type { Finding } from './types.js';

/**
 * The findings for a SCHEME_UNKNOWN answer: HostBill's Admin API when the verifier's details
 * name it (`hint: 'hostbill-admin-api'`), otherwise which schemes were expected.
 * @param details the failure's details, if any
 * @param schemes the configured schemes, for the fix sentence
 */
export function diagnoseNoScheme(details: Readonly<Record<string, unknown>> | undefined, schemes: readonly string[]): Finding[] {
  if (details?.['hint'] === 'hostbill-admin-api') {
    return [{ id: 'hostbill-admin-api', title: "HostBill's Admin API (admin/api.php with api_id/api_key)", fix: "hostsig implements HostBill's User API: send Authorization: Bearer <RS256 JWT> or Basic (see docs/hostbill.md)." }];
  }
  return [{ id: 'no-scheme', title: 'the request carries no credentials of a configured scheme', fix: `Send one of: ${schemes.join(', ')} (see hostsig serve --help for what each looks like).` }];
}
