// js-dialect oracle for the HostDime vectors: what the official Node client (npm `hdcore`)
// hashes, i.e. sha256(`${ts}:${unique}:${privateKey}:${method}:` + JSON.stringify(JSON.stringify(params))).
// Independent of hostsig: node:crypto and JSON.stringify only.
//
// stdin:  JSON array of { timestamp, unique, privateKey, method, params }
//         params use the vectors' encoding: an array of [key, value] pairs; a value is a
//         string, number, boolean, null, an array (list) or {"$map": [[k, v], ...]}.
// stdout: JSON array of { paramsJson, doubleJson, canonical, hash }
//
// Params become a plain JS object built in pair order, exactly as a Node caller would build it,
// so JavaScript's own property order applies (integer-like keys first, ascending).
import { createHash } from 'node:crypto';

function toJs(v) {
  if (Array.isArray(v)) return v.map(toJs);
  if (v !== null && typeof v === 'object') {
    if (!Array.isArray(v.$map) || Object.keys(v).length !== 1) throw new Error('bad value object');
    return pairsToObject(v.$map);
  }
  return v;
}

function pairsToObject(pairs) {
  const o = {};
  for (const [k, v] of pairs) {
    if (typeof k !== 'string') throw new Error('key must be a string');
    o[k] = toJs(v);
  }
  return o;
}

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = cases.map((c) => {
  const paramsJson = JSON.stringify(pairsToObject(c.params));
  const doubleJson = JSON.stringify(paramsJson);
  const canonical = `${c.timestamp}:${c.unique}:${c.privateKey}:${c.method}:${doubleJson}`;
  const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return { paramsJson, doubleJson, canonical, hash };
});
process.stdout.write(JSON.stringify(out));
