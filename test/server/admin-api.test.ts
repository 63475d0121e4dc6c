// HostKey detection needs HostKey's own fields: HostBill's old Admin API (POST admin/api.php with
// api_id/api_key, what every public HostBill client sends) is SCHEME_UNKNOWN with a hint naming it,
// never a HostKey "no token" failure.
import { describe, expect, it } from 'vitest';
import { MemoryHostKeyTokenStore, issueHostKeyToken } from '../../src/schemes/hostkey/index.js';
import { diagnoseNoScheme } from '../../src/diagnose/index.js';
import { createVerifier } from '../../src/server/index.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (path: string, body: string) => ({ method: 'POST', url: `http://billing.example.com${path}`, headers: form, body });

describe('HostKey detection and the HostBill Admin API', () => {
  const store = new MemoryHostKeyTokenStore();
  const v = createVerifier({ schemes: { hostkey: { store } } });

  it('POST admin/api.php with api_id/api_key: SCHEME_UNKNOWN, no scheme, a hint that names the Admin API and the User API', async () => {
    for (const body of ['api_id=abc&api_key=def&call=getClients', 'call=getClientDetails&id=1&api_key=def', 'api_id=abc']) {
      const r = await v.verify(post('/admin/api.php', body));
      expect(r).toMatchObject({ ok: false, code: 'SCHEME_UNKNOWN', scheme: null, status: 401, details: { hint: 'hostbill-admin-api' } });
      if (!r.ok) {
        expect(r.message).toContain('Admin API');
        expect(r.message).toContain('User API');
      }
    }
  });

  it('a .php POST with neither token nor action is no HostKey call; with action and no token it stays MISSING_FIELD', async () => {
    expect(await v.verify(post('/eq.php', 'foo=bar'))).toMatchObject({ ok: false, code: 'SCHEME_UNKNOWN', scheme: null });
    expect(await v.verify(post('/eq.php', 'action=info'))).toMatchObject({ ok: false, code: 'MISSING_FIELD', scheme: 'hostkey' });
  });

  it('a real HostKey call still verifies', async () => {
    const { token } = await issueHostKeyToken({ store, subject: 'user-42', ttl: 3600 });
    expect(await v.verify(post('/eq.php', `action=info&token=${token}`))).toMatchObject({ ok: true, scheme: 'hostkey', identity: { user: 'user-42' } });
  });

  it("the diagnosis names the Admin API from the verifier's answer, and no-scheme otherwise", async () => {
    const admin = await v.verify(post('/admin/api.php', 'api_id=abc&api_key=def&call=getClients'));
    const other = await v.verify(post('/eq.php', 'foo=bar'));
    expect(admin.ok || other.ok).toBe(false);
    if (!admin.ok && !other.ok) {
      expect(diagnoseNoScheme(admin.details, v.schemes).map((f) => f.id)).toEqual(['hostbill-admin-api']);
      expect(diagnoseNoScheme(other.details, v.schemes).map((f) => f.id)).toEqual(['no-scheme']);
    }
  });
});
