import { describe, expect, it } from 'vitest';
import { HostsigError } from '../../src/core/errors.js';
import {
  digestWhmToken,
  ipAllowed,
  isWhmToken,
  parseWhmAuthorization,
  parseWhmTokenCreateReply,
  parseWhmTokenListReply,
  parseWhmTokenRevokeReply,
  verifyWhmAuthorization,
} from '../../src/schemes/whm/index.js';
import { loadVectors } from '../helpers/wycheproof.js';

type Case = { tcId: number; comment: string; input: Record<string, any>; stages?: Record<string, string>; result: 'valid' | 'invalid'; error?: string };
type Group = { type: string; tests: Case[] };
const file = loadVectors<{ scheme: string; numberOfTests: number; testGroups: Group[] }>('whm.json');

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HostsigError);
    return (e as HostsigError).code;
  }
  return 'none';
}

const runners: Record<string, (c: Case) => Promise<void> | void> = {
  WhmHeaderParse(c) {
    if (c.result === 'valid') expect(parseWhmAuthorization(c.input.header)).toEqual(c.stages);
    else expect(codeOf(() => parseWhmAuthorization(c.input.header))).toBe(c.error);
  },
  async WhmTokenFormat(c) {
    const token = c.input.token as string;
    if (c.result === 'valid') {
      expect(isWhmToken(token)).toBe(true);
      expect(digestWhmToken(token)).toBe(c.stages!.digest);
      const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [{ name: 'v', digest: c.stages!.digest! }] });
      expect(r.ok).toBe(true);
    } else {
      expect(isWhmToken(token)).toBe(false);
      const r = await verifyWhmAuthorization(`whm root:${token}`, { lookup: () => [] });
      expect(r).toMatchObject({ ok: false, code: c.error });
    }
  },
  WhmCidrMatch(c) {
    if (c.result === 'valid') expect(String(ipAllowed(c.input.ip, [c.input.cidr]))).toBe(c.stages!.match);
    else expect(codeOf(() => ipAllowed(c.input.ip, [c.input.cidr]))).toBe(c.error);
  },
  WhmTokenApiReply(c) {
    const { command, body } = c.input;
    const parse = () => {
      if (command === 'api_token_create') {
        const r = parseWhmTokenCreateReply(body);
        return { result: '1', token: r.token, name: r.info.name, expiresAt: r.info.expiresAt === null ? 'never' : String(r.info.expiresAt) };
      }
      if (command === 'api_token_list') return { result: '1', names: parseWhmTokenListReply(body).map((t) => t.name).join(',') };
      parseWhmTokenRevokeReply(body);
      return { result: '1' };
    };
    if (c.result === 'valid') expect(parse()).toEqual(c.stages);
    else expect(codeOf(parse)).toBe(c.error);
  },
};

describe(`vectors/whm.json`, () => {
  it('is well-formed: unique tcIds from 1, count matches', () => {
    const ids = file.testGroups.flatMap((g) => g.tests.map((t) => t.tcId));
    expect(file.scheme).toBe('whm');
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    expect(ids.length).toBe(file.numberOfTests);
    for (const g of file.testGroups) expect(Object.keys(runners)).toContain(g.type);
  });
  for (const g of file.testGroups)
    for (const c of g.tests)
      it(`${g.type} #${c.tcId}: ${c.comment}`, async () => {
        expect(c.result === 'invalid').toBe(c.error !== undefined);
        await runners[g.type]!(c);
      });
});
