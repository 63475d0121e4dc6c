// Every HostDime vector in SCHEMES.md section 1 (documented, and reproduced there with PHP 8.2).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalHostDime, hashHostDime, type HostDimeCanonicalInput } from '../../src/schemes/hostdime/index.js';

const base = { timestamp: 1369758680, unique: 'ABCDEF', privateKey: 'fazbaz' };
const table: [string, HostDimeCanonicalInput['params'], string, string][] = [
  ['domain.list', [['status', 'registered'], ['order', 'desc']], '1369758680:ABCDEF:fazbaz:domain.list:"{\\"status\\":\\"registered\\",\\"order\\":\\"desc\\"}"', '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd'],
  ['server.list', [], '1369758680:ABCDEF:fazbaz:server.list:"{}"', '4279db7777096dcb45480574ca95b67430dfe431f8581a7d26c3fb41a4fbdec8'],
  ['utility.echo', [['url', 'http://example.com/a']], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"url\\":\\"http:\\\\\\/\\\\\\/example.com\\\\\\/a\\"}"', '732fb3575dc27844e1131c7d3d3f527e4db8b5257cba50572657ca1f57e93111'],
  ['utility.echo', [['name', 'José']], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"name\\":\\"Jos\\\\u00e9\\"}"', '766a77d90c0d8d057f715b70aef2b44921bb453616c806cb6fab98cb5b47c3ee'],
  ['utility.echo', [['foo', ['1', '2']]], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"foo\\":{\\"0\\":\\"1\\",\\"1\\":\\"2\\"}}"', '8324653669fc2f25a05bab86315710695fb35408a8017b77cc445edaa413bd6c'],
  ['utility.echo', [['n', 5]], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"n\\":5}"', 'fd435ec50197aedb21be00dee794ebb25f43a431e4404fa120403b3a99df27c1'],
  ['utility.echo', [['n', '5']], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"n\\":\\"5\\"}"', '047a06c2ec9abb93fa0cf11bf63ed0913a7f298611a32861918f5f4a7f4b7881'],
  ['utility.echo', [['emoji', '😀']], '1369758680:ABCDEF:fazbaz:utility.echo:"{\\"emoji\\":\\"\\\\ud83d\\\\ude00\\"}"', '04ef0577e21d0016e97efe489284010d17e54518a89e028bc9ee352decb8c4c3'],
];

describe('SCHEMES.md HostDime vectors', () => {
  it.each(table)('%s %j', (method, params, canonical, hash) => {
    const c = canonicalHostDime({ ...base, method, params });
    expect(c).toBe(canonical);
    expect(hashHostDime(c)).toBe(hash);
    // node:crypto as a second opinion on the hash of the documented string.
    expect(createHash('sha256').update(canonical, 'utf8').digest('hex')).toBe(hash);
  });
});
