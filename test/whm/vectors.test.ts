import { expect } from 'vitest';
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
import { describeVectorFile, type VectorCase } from '../helpers/vector-file.js';
import { codeOf } from '../helpers/codes.js';

type Case = VectorCase;

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

describeVectorFile('whm.json', 'whm', runners);
