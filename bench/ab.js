// Same-process A/B: a baseline build of hostsig (another checkout's dist/, e.g. main's) against
// this checkout's dist/, timed interleaved in short batches with the order rotating, so machine
// noise hits both sides alike (full `npm run bench` runs differ by more than the gains being
// judged). Prints the median ops/s and the median per-round ratio of each B row to its A row
// (of an A row, to the first row).
//   node bench/ab.js <baseline dist/> [2048|4096] [verify|sign]   RS256 (the default)
//   node bench/ab.js <baseline dist/> hostdime                    verify (2, 20 params; string and bytes body) and sign
//   node bench/ab.js <baseline dist/> sixconnect                  verify (70 B and 1 KB queries; string and bytes)
//   node bench/ab.js <baseline dist/> schemes                     both of the above
// The baseline dist/ must sit inside this checkout (e.g. node_modules/.cache/base/dist) so it
// resolves the same dependencies: build the baseline commit (`npx tsc -p tsconfig.build.json`
// in a checkout of it, or here before your changes: `git stash`, build, copy, `git stash pop`)
// and copy its dist/ there.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseDir, arg1 = '2048', arg2 = 'verify'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!baseDir) throw new Error('usage: node bench/ab.js <baseline dist/> [2048|4096 [verify|sign] | hostdime | sixconnect | schemes]');
const load = (dir, sub) => import(pathToFileURL(resolve(dir, sub)).href);
const enc = new TextEncoder();
const NOW = 1_700_000_000;
const ok = (v) => {
  if (!v) throw new Error('bench: a verification failed');
};

// Batches are timed in CPU time by default: on a shared machine, a batch during which this
// process was descheduled would otherwise count the other processes' time (`--wall` for wall time).
const wall = process.argv.includes('--wall');
const clock = wall
  ? () => performance.now()
  : () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };

function run(fns, { batchMs, rounds }) {
  const names = Object.keys(fns);
  const ops = names.map(() => []);
  const ratios = names.map(() => []);
  // A "B x" row is divided by its "A x" row, measured in the same round; any other by the first row.
  const base = names.map((n) => (n.startsWith('B ') && names.includes(`A ${n.slice(2)}`) ? names.indexOf(`A ${n.slice(2)}`) : 0));
  for (const f of Object.values(fns)) for (let i = 0; i < 20; i++) f();
  for (let r = 0; r < rounds; r++) {
    const cur = [];
    for (let j = 0; j < names.length; j++) {
      const idx = (j + r) % names.length;
      const f = fns[names[idx]];
      // The clock is read between growing runs of calls, not after each (a CPU-time read is a
      // system call, as long as a fast call itself).
      let n = 0;
      let step = 1;
      const t0 = clock();
      let t;
      do {
        for (let k = 0; k < step; k++) f();
        n += step;
        t = clock() - t0;
        if (t < batchMs / 8) step *= 2;
      } while (t < batchMs);
      cur[idx] = n / (t / 1000);
    }
    for (let j = 0; j < names.length; j++) {
      ops[j].push(cur[j]);
      ratios[j].push(cur[j] / cur[base[j]]);
    }
  }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (let j = 0; j < names.length; j++) {
    const vs = base[j] === j ? '' : `  (vs ${names[base[j]]})`;
    console.log(`  ${names[j].padEnd(44)} ${Math.round(med(ops[j])).toString().padStart(7)} ops/s  ${med(ratios[j]).toFixed(3)}x${vs}`);
  }
}

/** A row per side: the baseline's first, so each B row reads as a ratio to its A row above it. */
function pairs(label, mk) {
  return { [`A ${label}`]: mk('A'), [`B ${label}`]: mk('B') };
}

async function rs256(bits, what) {
  const A = { jwt: await load(baseDir, 'jwt/index.js'), rsa: await load(baseDir, 'rsa/index.js') };
  const B = { jwt: await import('../dist/jwt/index.js'), rsa: await import('../dist/rsa/index.js') };
  const pem = readFileSync(new URL(`../vectors/keys/${bits === 2048 ? 'rsa2048.pkcs1.pem' : 'hostbill4096.key'}`, import.meta.url), 'utf8');
  const ka = A.rsa.importPrivateKey(pem);
  const kb = B.rsa.importPrivateKey(pem);
  const token = B.jwt.signJwt({ sub: 'client-42', scope: 'api', iss: 'https://billing.example' }, kb, { now: NOW, expiresIn: '1h', kid: 'k1' });
  const [h, p, s] = token.split('.');
  const signingInput = enc.encode(`${h}.${p}`);
  const signature = new Uint8Array(Buffer.from(s, 'base64url'));
  const currentDate = new Date((NOW + 60) * 1000);
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
}

// The same requests as bench/run.js's HostDime and 6connect rows.
async function hostdime() {
  const impl = { A: await load(baseDir, 'schemes/hostdime/index.js'), B: await import('../dist/schemes/hostdime/index.js') };
  for (const n of [2, 20]) {
    const params = Array.from({ length: n }, (_, i) => [`field${i}`, i % 2 ? `valeur é ${i} / 😀` : String(i * 7)]);
    const input = { publicKey: 'pub', privateKey: 'priv', method: 'domain.list', params, timestamp: NOW, unique: 'u-1' };
    const s = impl.B.signHostDime(input);
    if (impl.A.signHostDime(input).body !== s.body) throw new Error('bench: A and B sign differently');
    const req = { path: s.path, body: s.body };
    const reqBytes = { path: s.path, body: enc.encode(s.body) };
    console.log(`\nHostDime, ${n} params: baseline ${baseDir} (A) vs ./dist (B)`);
    run(
      {
        ...pairs('verifyHostDimeSync (string body)', (x) => () => ok(impl[x].verifyHostDimeSync(req, { privateKey: 'priv', now: NOW }).ok)),
        ...pairs('verifyHostDimeSync (bytes body)', (x) => () => ok(impl[x].verifyHostDimeSync(reqBytes, { privateKey: 'priv', now: NOW }).ok)),
        ...pairs('signHostDime', (x) => () => impl[x].signHostDime(input)),
      },
      { batchMs: 20, rounds: 30 },
    );
  }
}

async function sixconnect() {
  const impl = { A: await load(baseDir, 'schemes/sixconnect/index.js'), B: await import('../dist/schemes/sixconnect/index.js') };
  const cases = [
    ['70-byte query', { type: 'IP' }],
    ['1 KB query', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, `value-${i}-xxxx`]))],
  ];
  for (const [label, params] of cases) {
    const input = { baseUrl: 'https://x/api/v1/api.php', target: 'ipam', action: 'get', params, apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: 'secret' };
    const s = impl.B.signSixConnect(input);
    const req = { query: s.query };
    const reqBytes = { query: enc.encode(s.query) };
    console.log(`\n6connect, ${label} (${s.signedQuery.length} B signed): baseline ${baseDir} (A) vs ./dist (B)`);
    run(
      {
        ...pairs('verifySixConnectSync (string query)', (x) => () => ok(impl[x].verifySixConnectSync(req, { secretKey: 'secret' }).ok)),
        ...pairs('verifySixConnectSync (bytes query)', (x) => () => ok(impl[x].verifySixConnectSync(reqBytes, { secretKey: 'secret' }).ok)),
      },
      { batchMs: 20, rounds: 30 },
    );
  }
}

if (arg1 === 'hostdime') await hostdime();
else if (arg1 === 'sixconnect') await sixconnect();
else if (arg1 === 'schemes') {
  await hostdime();
  await sixconnect();
} else await rs256(Number(arg1), arg2);
