// Compares modular reduction strategies for RSA-sized bigints in V8, in one process: plain
// `%`, Montgomery (R = 2^k), Barrett, and the fold src/rsa/bigint.ts uses; each inside the same
// sliding-window modpow, checked against hostsig's modPow. `node bench/reduction.js` (after a build).
import { randomBytes } from 'node:crypto';
import { modPow } from '../dist/rsa/bigint.js';
const rb = (n) => BigInt('0x' + randomBytes(n).toString('hex'));
function inv(a, m) { let [r0,r1,s0,s1]=[a%m,m,1n,0n]; while(r1){const q=r0/r1;[r0,r1]=[r1,r0-q*r1];[s0,s1]=[s1,s0-q*s1];} return ((s0%m)+m)%m; }
// generic sliding-window with pluggable mul/sqr in a domain
function slide(b, exp, mul, one) {
  const bits = exp.toString(2), n = bits.length; const w = n > 768 ? 6 : n > 256 ? 5 : 4;
  const table=[b]; const b2 = mul(b,b); for (let i=1;i<1<<(w-1);i++) table.push(mul(table[i-1],b2));
  let r = one, started=false, i=0;
  while (i<n) { if (bits.charCodeAt(i)===48){ if(started) r=mul(r,r); i++; continue; }
    let j=Math.min(i+w,n); while(bits.charCodeAt(j-1)===48) j--; const v=parseInt(bits.slice(i,j),2);
    if (started){ for(let t=i;t<j;t++) r=mul(r,r); r=mul(r,table[(v-1)>>1]); } else { r=table[(v-1)>>1]; started=true; } i=j; }
  return r;
}
function mont(b, e, m) {
  const k = m.toString(2).length; const K = BigInt(k); const R = 1n<<K; const mp = (R - inv(m, R)) % R;
  const redc = (T) => { const u = BigInt.asUintN(k, BigInt.asUintN(k, T) * mp); const t = (T + u*m) >> K; return t >= m ? t - m : t; };
  const mul = (x,y) => redc(x*y);
  const bm = ((b % m) << K) % m;
  return redc(slide(bm, e, mul, R % m));
}
function barrett(b, e, m) {
  const k = m.toString(2).length; const K = BigInt(k); const mu = (1n << (2n*K)) / m; const km1 = K-1n, kp1=K+1n;
  const mul = (x,y) => { const xx = x*y; let r = xx - (((xx>>km1)*mu)>>kp1)*m; while (r>=m) r-=m; return r; };
  return slide(b%m, e, mul, 1n);
}
function fold(b, e, m) {
  const k = m.toString(2).length; const M1 = Math.ceil(k*1.5); const m1 = BigInt(M1); const c1 = (1n<<m1)%m;
  const mul = (x,y) => { const xx = x*y; return ((xx>>m1)*c1 + BigInt.asUintN(M1, xx)) % m; };
  return slide(b%m, e, mul, 1n);
}
const plain = (b,e,m) => slide(b%m, e, (x,y)=>(x*y)%m, 1n);
function t(fn, N) { fn(); const t0=performance.now(); for (let i=0;i<N;i++) fn(); return (performance.now()-t0)/N; }
for (const bits of [1024, 2048]) {
  const m = rb(bits/8) | (1n<<BigInt(bits-1)) | 1n; const e = rb(bits/8); const b = rb(bits/8);
  const ref = modPow(b, e, m);
  for (const f of [plain, mont, barrett, fold]) if (f(b,e,m)!==ref) throw f.name;
  const N = bits===1024?20:6; const res = {};
  for (let r=0;r<3;r++) for (const f of [plain, mont, barrett, fold]) res[f.name] = Math.min(res[f.name]??1e9, t(()=>f(b,e,m), N));
  console.log(bits, Object.entries(res).map(([k,v])=>`${k} ${v.toFixed(2)}ms (${(res.plain/v).toFixed(2)}x)`).join(' | '));
}
