// Writes vectors/whm.json and vectors/hostkey.json.
//   node vectors/gen/whm-hostkey.mjs        (Node 20.20; uses only node:crypto and node:fs)
// Cases are hand-written from the provider docs (seeds 000 HostKey, 001 cPanel & WHM) and
// SCHEMES.md sections 4 and 5; digests and scrypt hashes are computed here with node:crypto,
// never with hostsig.
import { createHash, scryptSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..');
const sha = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
const DOC_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M'; // from cPanel's docs
const HASH = 'a1b2c3d4e5f60718'.repeat(8); // a 128-character access hash (format guessed)

function file(scheme, generator, notes, groups) {
  let id = 0;
  const testGroups = groups.map(([type, comment, tests]) => ({
    type,
    comment,
    tests: tests.map(([comment, flags, input, outcome]) => {
      const t = { tcId: ++id, comment, flags, input };
      if (typeof outcome === 'string') Object.assign(t, { result: 'invalid', error: outcome });
      else Object.assign(t, { stages: outcome, result: 'valid' });
      return t;
    }),
  }));
  return { $schema: './schema/vectors.schema.json', scheme, schemaVersion: 1, generator, numberOfTests: id, notes, testGroups };
}

const parsed = (scheme, user, kind, credential) => ({ scheme, user, kind, credential });

const whm = file(
  'whm',
  'vectors/gen/whm-hostkey.mjs (hand-written from the cPanel & WHM docs; SHA-256 by node:crypto, Node 20.20)',
  [
    'WhmHeaderParse: input.header is the Authorization header value. stages: scheme (lowercased), user, kind (token | accesshash), credential. Surrounding spaces/tabs are optional whitespace; exactly one space after the scheme word; no other whitespace or control characters.',
    'Errors: AUTH_HEADER_MALFORMED (structure, user name, whitespace), AUTH_SCHEME_UNSUPPORTED (another scheme word), TOKEN_INVALID (credential is neither 32 of [A-Z0-9] nor, after "whm", an access hash of 64..4096 of [A-Za-z0-9]).',
    'WhmTokenFormat: stages.digest is lowercase hex SHA-256 of the token as UTF-8, the stored form.',
    'WhmCidrMatch: stages.match is "true"/"false". IPv4 a.b.c.d is ::ffff:a.b.c.d, an IPv4 /p is /p+96; a bare address is a full-length range; invalid input is INVALID_ARGUMENT.',
    'WhmTokenApiReply: input.command and input.body (the JSON reply). stages for valid: result "1" plus command-specific fields; metadata.result 0 is PROVIDER_ERROR, anything else BODY_MALFORMED.',
  ],
  [
    [
      'WhmHeaderParse',
      'Authorization header parsing',
      [
        ['documented WHM token header', ['Documented'], { header: `whm root:${DOC_TOKEN}` }, parsed('whm', 'root', 'token', DOC_TOKEN)],
        ['cPanel UAPI header', ['Documented'], { header: `cpanel bob:${DOC_TOKEN}` }, parsed('cpanel', 'bob', 'token', DOC_TOKEN)],
        ['scheme word upper case', ['CaseInsensitive'], { header: `WHM root:${DOC_TOKEN}` }, parsed('whm', 'root', 'token', DOC_TOKEN)],
        ['scheme word mixed case', ['CaseInsensitive'], { header: `cPanel bob:${DOC_TOKEN}` }, parsed('cpanel', 'bob', 'token', DOC_TOKEN)],
        ['legacy access hash', ['Legacy'], { header: `WHM root:${HASH}` }, parsed('whm', 'root', 'accesshash', HASH)],
        ['optional whitespace around the value', ['Whitespace'], { header: ` whm root:${DOC_TOKEN}\t` }, parsed('whm', 'root', 'token', DOC_TOKEN)],
        ['reseller user name with digits', [], { header: `whm reseller2:${DOC_TOKEN}` }, parsed('whm', 'reseller2', 'token', DOC_TOKEN)],
        ['empty header', ['Empty'], { header: '' }, 'AUTH_HEADER_MALFORMED'],
        ['scheme word only', ['Empty'], { header: 'whm' }, 'AUTH_HEADER_MALFORMED'],
        ['Basic scheme', ['Scheme'], { header: 'Basic cm9vdDpzZWNyZXQ=' }, 'AUTH_SCHEME_UNSUPPORTED'],
        ['Bearer scheme', ['Scheme'], { header: `Bearer ${DOC_TOKEN}` }, 'AUTH_SCHEME_UNSUPPORTED'],
        ['scheme word with a suffix', ['Scheme'], { header: `whmx root:${DOC_TOKEN}` }, 'AUTH_SCHEME_UNSUPPORTED'],
        ['no colon', [], { header: `whm root${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['empty user', ['Empty'], { header: `whm :${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['empty token', ['Empty'], { header: 'whm root:' }, 'AUTH_HEADER_MALFORMED'],
        ['upper-case user name', ['User'], { header: `whm Root:${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['user name with @', ['User'], { header: `whm a@b:${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['two spaces after the scheme', ['Whitespace'], { header: `whm  root:${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['tab after the scheme', ['Whitespace'], { header: `whm\troot:${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['space after the colon', ['Whitespace'], { header: `whm root: ${DOC_TOKEN}` }, 'AUTH_HEADER_MALFORMED'],
        ['CR LF injection', ['Controls'], { header: `whm root:${DOC_TOKEN}\r\nX-Admin: 1` }, 'AUTH_HEADER_MALFORMED'],
        ['NUL in the token', ['Controls'], { header: `whm root:${DOC_TOKEN.slice(0, 10)}\u0000${DOC_TOKEN.slice(10)}` }, 'AUTH_HEADER_MALFORMED'],
        ['non-ASCII in the token', ['Unicode'], { header: `whm root:${DOC_TOKEN.slice(0, 31)}\u00c9` }, 'AUTH_HEADER_MALFORMED'],
        ['second colon: the token keeps it', ['SplitFirstColon'], { header: `whm root:${DOC_TOKEN}:x` }, 'TOKEN_INVALID'],
        ['lower-case token', ['TokenFormat'], { header: `whm root:${DOC_TOKEN.toLowerCase()}` }, 'TOKEN_INVALID'],
        ['31-character token', ['TokenFormat'], { header: `whm root:${DOC_TOKEN.slice(1)}` }, 'TOKEN_INVALID'],
        ['access hash under cpanel', ['Legacy'], { header: `cpanel root:${HASH}` }, 'TOKEN_INVALID'],
      ],
    ],
    [
      'WhmTokenFormat',
      'Token format and storage digest',
      [
        ['documented token', ['Documented'], { token: DOC_TOKEN }, { digest: sha(DOC_TOKEN) }],
        ['all digits', [], { token: '0123456789'.repeat(3) + '01' }, { digest: sha('0123456789'.repeat(3) + '01') }],
        ['all letters', [], { token: 'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF' }, { digest: sha('ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF') }],
        ['lower case', ['TokenFormat'], { token: DOC_TOKEN.toLowerCase() }, 'TOKEN_INVALID'],
        ['33 characters', ['TokenFormat'], { token: `${DOC_TOKEN}A` }, 'TOKEN_INVALID'],
        ['a dash', ['TokenFormat'], { token: `${DOC_TOKEN.slice(0, 31)}-` }, 'TOKEN_INVALID'],
      ],
    ],
    [
      'WhmCidrMatch',
      'whitelist_ips matching, IPv4 and IPv6',
      [
        ['IPv4 inside /24', [], { ip: '203.0.113.7', cidr: '203.0.113.0/24' }, { match: 'true' }],
        ['IPv4 outside /24', [], { ip: '203.0.114.7', cidr: '203.0.113.0/24' }, { match: 'false' }],
        ['bare IPv4 is /32', ['FullLength'], { ip: '203.0.113.7', cidr: '203.0.113.7' }, { match: 'true' }],
        ['bare IPv4, neighbour', ['FullLength'], { ip: '203.0.113.8', cidr: '203.0.113.7' }, { match: 'false' }],
        ['IPv4 /0', ['PrefixZero'], { ip: '255.255.255.255', cidr: '0.0.0.0/0' }, { match: 'true' }],
        ['IPv4 /0 does not match IPv6', ['PrefixZero'], { ip: '2001:db8::1', cidr: '0.0.0.0/0' }, { match: 'false' }],
        ['IPv6 /0 matches IPv4 too', ['PrefixZero', 'Mapped'], { ip: '192.0.2.1', cidr: '::/0' }, { match: 'true' }],
        ['host bits set in the range', [], { ip: '10.200.0.1', cidr: '10.1.2.3/8' }, { match: 'true' }],
        ['mapped client, IPv4 range', ['Mapped'], { ip: '::ffff:203.0.113.7', cidr: '203.0.113.0/24' }, { match: 'true' }],
        ['mapped client in hex, IPv4 range', ['Mapped'], { ip: '::FFFF:cb00:7107', cidr: '203.0.113.0/24' }, { match: 'true' }],
        ['IPv4 client, mapped range', ['Mapped'], { ip: '203.0.113.7', cidr: '::ffff:203.0.113.0/120' }, { match: 'true' }],
        ['IPv4-compatible is not mapped', ['Mapped'], { ip: '203.0.113.7', cidr: '::203.0.113.7' }, { match: 'false' }],
        ['IPv6 /32', [], { ip: '2001:db8:ffff:1::1', cidr: '2001:db8::/32' }, { match: 'true' }],
        ['IPv6 /32 outside', [], { ip: '2001:db9::1', cidr: '2001:db8::/32' }, { match: 'false' }],
        ['IPv6 /127 boundary', [], { ip: '2001:db8::3', cidr: '2001:db8::2/127' }, { match: 'true' }],
        ['IPv6 /127 boundary outside', [], { ip: '2001:db8::4', cidr: '2001:db8::2/127' }, { match: 'false' }],
        ['bare IPv6 is /128, spelled differently', ['FullLength', 'Compression'], { ip: '2001:0DB8:0:0:0:0:0:0001', cidr: '2001:db8::1' }, { match: 'true' }],
        ['compression at the end', ['Compression'], { ip: '1:2:3:4:5:6:7:0', cidr: '1:2:3:4:5:6:7::/128' }, { match: 'true' }],
        ['leading zeros in IPv4', ['Strict'], { ip: '010.0.0.1', cidr: '10.0.0.0/8' }, 'INVALID_ARGUMENT'],
        ['three-part IPv4', ['Strict'], { ip: '10.0.1', cidr: '10.0.0.0/8' }, 'INVALID_ARGUMENT'],
        ['zone id', ['Strict'], { ip: 'fe80::1%eth0', cidr: 'fe80::/10' }, 'INVALID_ARGUMENT'],
        ['two ::', ['Strict'], { ip: '1::2::3', cidr: '::/0' }, 'INVALID_ARGUMENT'],
        ['IPv4 prefix 33', ['Strict'], { ip: '10.0.0.1', cidr: '10.0.0.0/33' }, 'INVALID_ARGUMENT'],
        ['IPv6 prefix 129', ['Strict'], { ip: '::1', cidr: '::/129' }, 'INVALID_ARGUMENT'],
        ['prefix with a leading zero', ['Strict'], { ip: '10.0.0.1', cidr: '10.0.0.0/08' }, 'INVALID_ARGUMENT'],
      ],
    ],
    [
      'WhmTokenApiReply',
      'api_token_* replies (metadata.result 0/1 with reason)',
      [
        [
          'api_token_create success',
          ['Documented'],
          { command: 'api_token_create', body: `{"data":{"token":"${DOC_TOKEN}","create_time":1531155461,"name":"ci","expires_at":0},"metadata":{"command":"api_token_create","reason":"OK","result":1,"version":1}}` },
          { result: '1', token: DOC_TOKEN, name: 'ci', expiresAt: 'never' },
        ],
        [
          'api_token_list keyed by name',
          ['Documented'],
          { command: 'api_token_list', body: '{"data":{"tokens":{"ci":{"name":"ci","create_time":1531155461,"acls":["all"],"expires_at":1893456000,"whitelist_ips":["203.0.113.0/24"]}}},"metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}}' },
          { result: '1', names: 'ci' },
        ],
        ['api_token_revoke success', [], { command: 'api_token_revoke', body: '{"data":null,"metadata":{"command":"api_token_revoke","reason":"OK","result":1,"version":1}}' }, { result: '1' }],
        ['result 0 with reason', ['ProviderError'], { command: 'api_token_revoke', body: '{"data":null,"metadata":{"command":"api_token_revoke","reason":"The API token \\"x\\" does not exist.","result":0,"version":1}}' }, 'PROVIDER_ERROR'],
        ['no metadata', ['Malformed'], { command: 'api_token_list', body: '{"data":{}}' }, 'BODY_MALFORMED'],
        ['result 2', ['Malformed'], { command: 'api_token_list', body: '{"metadata":{"result":2}}' }, 'BODY_MALFORMED'],
        ['not JSON', ['Malformed'], { command: 'api_token_list', body: '<html>' }, 'BODY_MALFORMED'],
        ['token that is not a token', ['Malformed'], { command: 'api_token_create', body: '{"data":{"token":"abc"},"metadata":{"result":1}}' }, 'BODY_MALFORMED'],
        [
          '__proto__ token name stays data',
          ['ProtoKey'],
          { command: 'api_token_list', body: '{"data":{"tokens":{"__proto__":{"name":"__proto__"},"constructor":{"name":"constructor"}}},"metadata":{"result":1}}' },
          { result: '1', names: '__proto__,constructor' },
        ],
      ],
    ],
  ],
);

const T = '0123456789abcdef0123456789abcdef';
const CB = 'fedcba9876543210fedcba9876543210';
const SALT = '000102030405060708090a0b0c0d0e0f';
const pinCase = (pin, N, r, p) => [
  `scrypt N=${N} r=${r} p=${p}`,
  ['Scrypt'],
  { pin, salt: SALT, N, r, p, dkLen: 32 },
  { hash: scryptSync(pin, Buffer.from(SALT, 'hex'), 32, { N, r, p }).toString('hex') },
];

const hostkey = file(
  'hostkey',
  'vectors/gen/whm-hostkey.mjs (hand-written from the HostKey invapi docs; scrypt and SHA-256 by node:crypto, Node 20.20)',
  [
    'HostKeyRequest: input.builder names the request (whmcslogin, login, logout, info, set_pin, check_pin, callback_check) and input.args its arguments; stages.url and stages.body (application/x-www-form-urlencoded, PHP http_build_query encoding, action first) are what is POSTed. Invalid arguments are INVALID_ARGUMENT.',
    'HostKeyReply: input.body is the reply. For valid replies stages.shape is nested (fields under "result") or top, plus token and tokenExpire for login replies, or callback / pending. Error replies ({"result":-1,"error","code"} or {"code":N,"error"}) are PROVIDER_ERROR when parsed as a login reply; a body that is not a JSON object, or a login reply without a 32-hex token, is BODY_MALFORMED.',
    'HostKeyTokenFormat: session tokens are 32 lowercase hex; stages.digest is their stored SHA-256.',
    'HostKeyPinHash: stages.hash = scrypt(pin as UTF-8, salt hex-decoded, N, r, p, dkLen) in hex.',
  ],
  [
    [
      'HostKeyRequest',
      'auth.php, eq.php and eq_callback.php requests',
      [
        ['whmcslogin (documented)', ['Documented'], { builder: 'whmcslogin', args: { user: 'me@example.com', password: 'p@ss word' } }, { url: 'https://invapi.hostkey.com/auth.php', body: 'action=whmcslogin&user=me%40example.com&password=p%40ss+word' }],
        ['whmcslogin with ttl and fix_ip', [], { builder: 'whmcslogin', args: { user: 'u', password: 'p', ttl: 3600, fixIp: true } }, { url: 'https://invapi.hostkey.com/auth.php', body: 'action=whmcslogin&user=u&password=p&ttl=3600&fix_ip=1' }],
        ['login by API key', [], { builder: 'login', args: { apiKey: 'k~1' } }, { url: 'https://invapi.hostkey.com/auth.php', body: 'action=login&key=k%7E1' }],
        ['logout (documented)', ['Documented'], { builder: 'logout', args: { token: T } }, { url: 'https://invapi.hostkey.com/auth.php', body: `action=logout&token=${T}` }],
        ['info (documented)', ['Documented'], { builder: 'info', args: { token: T } }, { url: 'https://invapi.hostkey.com/auth.php', body: `action=info&token=${T}` }],
        ['set_pin, first PIN', ['Documented'], { builder: 'set_pin', args: { token: T, newPin: '4829' } }, { url: 'https://invapi.hostkey.com/eq.php', body: `action=set_pin&token=${T}&new_pin=4829` }],
        ['set_pin, change', ['Documented'], { builder: 'set_pin', args: { token: T, oldPin: '4829', newPin: '0042' } }, { url: 'https://invapi.hostkey.com/eq.php', body: `action=set_pin&token=${T}&old_pin=4829&new_pin=0042` }],
        ['check_pin (documented)', ['Documented'], { builder: 'check_pin', args: { token: T, pin: '4829' } }, { url: 'https://invapi.hostkey.com/eq.php', body: `action=check_pin&token=${T}&pin=4829` }],
        ['eq_callback check', [], { builder: 'callback_check', args: { token: T, key: CB } }, { url: 'https://invapi.hostkey.com/eq_callback.php', body: `action=check&token=${T}&key=${CB}` }],
        ['upper-case token', ['TokenFormat'], { builder: 'info', args: { token: T.toUpperCase() } }, 'INVALID_ARGUMENT'],
        ['PIN with a letter', ['Pin'], { builder: 'check_pin', args: { token: T, pin: '12a4' } }, 'INVALID_ARGUMENT'],
        ['PIN too short', ['Pin'], { builder: 'check_pin', args: { token: T, pin: '123' } }, 'INVALID_ARGUMENT'],
        ['empty password', ['Empty'], { builder: 'whmcslogin', args: { user: 'u', password: '' } }, 'INVALID_ARGUMENT'],
        ['negative ttl', [], { builder: 'whmcslogin', args: { user: 'u', password: 'p', ttl: -1 } }, 'INVALID_ARGUMENT'],
      ],
    ],
    [
      'HostKeyReply',
      'both reply shapes and both error shapes',
      [
        ['login, nested result', ['Documented'], { body: `{"result":{"token":"${T}","token_expire":1700010800,"servers":[101]}}` }, { shape: 'nested', token: T, tokenExpire: '1700010800' }],
        ['login, top-level fields', [], { body: `{"token":"${T}","token_expire":1700010800}` }, { shape: 'top', token: T, tokenExpire: '1700010800' }],
        ['login, token_expire as a string', [], { body: `{"result":{"token":"${T}","token_expire":"1700010800"}}` }, { shape: 'nested', token: T, tokenExpire: '1700010800' }],
        ['asynchronous OK', ['Async'], { body: `{"result":"OK","callback":"${CB}"}` }, { shape: 'top', callback: CB }],
        ['not ready', ['Async'], { body: '{"result":"Not ready"}' }, { shape: 'top', pending: 'true' }],
        ['error with result -1', ['ProviderError'], { body: '{"result":-1,"error":"Wrong user or password","code":"auth"}' }, 'PROVIDER_ERROR'],
        ['error with code', ['ProviderError'], { body: '{"code":1,"error":"Invalid token"}' }, 'PROVIDER_ERROR'],
        ['upper-case token', ['TokenFormat'], { body: `{"result":{"token":"${T.toUpperCase()}"}}` }, 'BODY_MALFORMED'],
        ['token only in __proto__', ['ProtoKey'], { body: `{"__proto__":{"token":"${T}"}}` }, 'BODY_MALFORMED'],
        ['not an object', ['Malformed'], { body: '[]' }, 'BODY_MALFORMED'],
        ['not JSON', ['Malformed'], { body: '<html>502</html>' }, 'BODY_MALFORMED'],
      ],
    ],
    [
      'HostKeyTokenFormat',
      'session tokens and their stored digest',
      [
        ['32 lowercase hex', [], { token: T }, { digest: sha(T) }],
        ['upper case', ['TokenFormat'], { token: T.toUpperCase() }, 'TOKEN_INVALID'],
        ['31 characters', ['TokenFormat'], { token: T.slice(1) }, 'TOKEN_INVALID'],
        ['non-hex letter', ['TokenFormat'], { token: `${T.slice(0, 31)}g` }, 'TOKEN_INVALID'],
      ],
    ],
    ['HostKeyPinHash', 'scrypt PIN hashes with the parameters stored in the record', [pinCase('4829', 16, 1, 1), pinCase('0042', 1024, 8, 1), pinCase('1234567890123456', 2, 1, 2)]],
  ],
);

writeFileSync(join(out, 'whm.json'), `${JSON.stringify(whm, null, 2)}\n`);
writeFileSync(join(out, 'hostkey.json'), `${JSON.stringify(hostkey, null, 2)}\n`);
console.log(`whm.json: ${whm.numberOfTests} cases, hostkey.json: ${hostkey.numberOfTests} cases`);
