// The WHM catalogue takes the token lists as plain data. The user comes from the header, so a
// user named like an Object.prototype member must find nothing: no "wrong-scheme-word" for
// `cpanel constructor:TOKEN` because `tokens.constructor` is a function with a length.
import { expect, it } from 'vitest';
import { diagnoseWhm } from '../../src/diagnose/index.js';

const TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';

it('wrong-scheme-word reads only the users the lists hold, never Object.prototype', () => {
  for (const user of ['constructor', '__proto__', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']) {
    for (const word of ['whm', 'cpanel']) {
      expect(diagnoseWhm({ authorization: `${word} ${user}:${TOKEN}`, code: 'TOKEN_INVALID', whm: { tokens: {}, cpanelTokens: {} } }), `${word} ${user}`).toEqual([]);
    }
  }
  // A user who has tokens of the other kind is named, whatever the user is called.
  const lists = JSON.parse(`{"tokens":{"constructor":[{"name":"ci"}]},"cpanelTokens":{"bob":[{"name":"ci"}]}}`) as { tokens: Record<string, unknown[]>; cpanelTokens: Record<string, unknown[]> };
  expect(diagnoseWhm({ authorization: `cpanel constructor:${TOKEN}`, code: 'TOKEN_INVALID', whm: lists }).map((f) => f.id)).toEqual(['wrong-scheme-word']);
  expect(diagnoseWhm({ authorization: `whm bob:${TOKEN}`, code: 'TOKEN_INVALID', whm: lists }).map((f) => f.id)).toEqual(['wrong-scheme-word']);
  expect(diagnoseWhm({ authorization: `whm alice:${TOKEN}`, code: 'TOKEN_INVALID', whm: lists })).toEqual([]);
});

it('names a base64-encoded USER:TOKEN (one word after the scheme) and a token cut short', () => {
  const ids = (authorization: string, code = 'AUTH_HEADER_MALFORMED') => diagnoseWhm({ authorization, code }).map((f) => f.id);
  // base64 by node's Buffer, as a Basic-auth habit would make it.
  expect(ids(`whm ${Buffer.from(`root:${TOKEN}`).toString('base64')}`)).toEqual(['base64-encoded']);
  expect(ids(`whm root:${TOKEN.slice(0, 31)}`, 'TOKEN_INVALID')).toEqual(['token-truncated-or-padded']);
  expect(ids(`whm root:${TOKEN.slice(0, 20)}`, 'TOKEN_INVALID')).toEqual(['token-truncated-or-padded']);
  expect(ids(`whm root:${TOKEN}"`, 'TOKEN_INVALID')).toEqual(['token-truncated-or-padded']);
  // Still: the space-not-colon reading, and a plain user name is no token.
  expect(ids(`whm root ${TOKEN}`)).toEqual(['space-not-colon']);
  expect(ids('whm root', 'AUTH_HEADER_MALFORMED')).toEqual([]);
});
