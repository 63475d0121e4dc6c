// Same-process A/B of the RS256 paths: a baseline build of hostsig (another checkout's dist/,
// e.g. main's) against this checkout's dist/, timed interleaved in short batches with the
// order rotating, so machine noise hits both sides alike (full `npm run bench` runs differ by
// more than the gains being judged). Prints the median ops/s and the median per-round ratio to
// the first row. `node bench/ab.js /path/to/baseline/dist [2048|4096] [verify|sign]`; copy the
// baseline dist/ inside this checkout (e.g. node_modules/.cache/) so it resolves the same deps.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseDir, bitsArg = '2048', what = 'verify'] = process.argv.slice(2);
if (!baseDir) throw new Error('usage: node bench/ab.js <baseline dist/> [2048|4096] [verify|sign]');
const load = (dir, sub) => import(pathToFileURL(resolve(dir, sub)).href);
const A = { jwt: await load(baseDir, 'jwt/index.js'), rsa: await load(baseDir, 'rsa/index.js') };
const B = { jwt: await import('../dist/jwt/index.js'), rsa: await import('../dist/rsa/index.js') };
const bits = Number(bitsArg);
const pem = readFileSync(new URL(`../vectors/keys/${bits === 2048 ? 'rsa2048.pkcs1.pem' : 'hostbill4096.key'}`, import.meta.url), 'utf8');
const ka = A.rsa.importPrivateKey(pem);
const kb = B.rsa.importPrivateKey(pem);
const NOW = 1_700_000_000;
const token = B.jwt.signJwt({ sub: 'client-42', scope: 'api', iss: 'https://billing.example' }, kb, { now: NOW, expiresIn: '1h', kid: 'k1' });
const [h, p, s] = token.split('.');
const signingInput = new TextEncoder().encode(`${h}.${p}`);
const signature = new Uint8Array(Buffer.from(s, 'base64url'));
const currentDate = new Date((NOW + 60) * 1000);
const ok = (v) => {
  if (!v) throw new Error('bench: a verification failed');
};

function run(fns, { batchMs, rounds }) {
  const names = Object.keys(fns);
  const ops = names.map(() => []);
  const ratios = names.map(() => []);
  for (const f of Object.values(fns)) for (let i = 0; i < 20; i++) f();
  for (let r = 0; r < rounds; r++) {
    const cur = [];
    for (let j = 0; j < names.length; j++) {
      const idx = (j + r) % names.length;
      const f = fns[names[idx]];
      let n = 0;
      const t0 = performance.now();
      let t;
      do {
        f();
        n++;
        t = performance.now() - t0;
      } while (t < batchMs);
      cur[idx] = n / (t / 1000);
    }
    for (let j = 0; j < names.length; j++) {
      ops[j].push(cur[j]);
      ratios[j].push(cur[j] / cur[0]);
    }
  }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (let j = 0; j < names.length; j++) console.log(`  ${names[j].padEnd(28)} ${Math.round(med(ops[j])).toString().padStart(7)} ops/s  ${med(ratios[j]).toFixed(3)}x`);
}

console.log(`RS256 ${what}, ${bits}-bit key: baseline ${baseDir} (A) vs ./dist (B)`);
if (what === 'verify') {
  run(
    {
      'A verifyJwt': () => A.jwt.verifyJwt(token, ka.publicKey, { currentDate }),
      'B verifyJwt': () => B.jwt.verifyJwt(token, kb.publicKey, { currentDate }),
      'A rsaVerify': () => ok(A.rsa.rsaVerify(ka.publicKey, signingInput, signature)),
      'B rsaVerify': () => ok(B.rsa.rsaVerify(kb.publicKey, signingInput, signature)),
    },
    { batchMs: 20, rounds: 30 },
  );
} else {
  run({ 'A rsaSign': () => A.rsa.rsaSign(ka, signingInput), 'B rsaSign': () => B.rsa.rsaSign(kb, signingInput) }, { batchMs: 200, rounds: 10 });
}
