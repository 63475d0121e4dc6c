// Regenerates docs/images/benchmarks.svg and the generated part of docs/BENCHMARKS.md (between
// the BEGIN/END markers) from bench/results.json (`npm run bench`), and, when they exist,
// bench/server/results.json (`npm run bench:server`: HTTP rows, event-loop delay) and
// bench/memory.json (`node --expose-gc bench/memory.js`: heap per verify path).
// `node bench/chart.js` after those runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const readJson = (path) => (existsSync(new URL(path, import.meta.url)) ? JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) : null);
const results = readJson('./results.json');
if (!results) throw new Error('bench/results.json not found: run npm run bench first');
const server = readJson('./server/results.json');
const memory = readJson('./memory.json');
const docUrl = new URL('../docs/BENCHMARKS.md', import.meta.url);
const svgUrl = new URL('../docs/images/benchmarks.svg', import.meta.url);

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const groups = [];
for (const r of results.rows) {
  let g = groups.find((x) => x.name === r.group);
  if (!g) groups.push((g = { name: r.group, rows: [] }));
  g.rows.push(r);
}

// ---- SVG: one horizontal bar per row, length = ratio to its group's baseline (log scale) ----

const W = 980;
const LABEL = 430;
const BAR = 14;
const GAP = 4;
const HEAD = 24;
const minR = 0.01;
const maxR = Math.max(4, ...results.rows.map((r) => r.ratio));
const x = (ratio) => LABEL + ((Math.log10(Math.max(ratio, minR)) - Math.log10(minR)) / (Math.log10(maxR) - Math.log10(minR))) * (W - LABEL - 90);
let y = 40;
const parts = [];
for (const g of groups) {
  parts.push(`<text x="8" y="${y + 14}" font-weight="bold">${esc(g.name)}</text>`);
  y += HEAD;
  for (const r of g.rows) {
    const hostsig = r.task.startsWith('hostsig');
    const base = r === g.rows[0];
    const fill = base ? '#9e9e9e' : hostsig ? '#1f77b4' : '#ff9f40';
    parts.push(`<text x="${LABEL - 6}" y="${y + BAR - 3}" text-anchor="end">${esc(r.task)}</text>`);
    parts.push(`<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(r.ratio) - LABEL).toFixed(1)}" height="${BAR}" fill="${fill}"/>`);
    parts.push(`<text x="${(x(r.ratio) + 4).toFixed(1)}" y="${y + BAR - 3}">${r.ratio.toFixed(2)}x</text>`);
    y += BAR + GAP;
  }
  y += 8;
}
const x1 = x(1).toFixed(1);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="18" font-size="13" font-weight="bold">hostsig benchmarks: ops/s as a ratio to each group's baseline (grey), log scale; blue = hostsig</text>
<text x="8" y="32" fill="#555">${esc(`${results.date.slice(0, 10)}, Node ${results.node}, ${results.rounds} rounds x ${results.msPerTaskPerRound} ms per task${results.quick ? ' (quick run)' : ''}`)}</text>
<line x1="${x1}" y1="36" x2="${x1}" y2="${y}" stroke="#444" stroke-dasharray="3,3"/>
${parts.join('\n')}
</svg>
`;
mkdirSync(new URL('../docs/images/', import.meta.url), { recursive: true });
writeFileSync(svgUrl, svg);

// ---- Markdown table and targets ----

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const lines = [];
lines.push(`Run: ${results.date}, Node ${results.node}, ${results.rounds} rounds of ${results.msPerTaskPerRound} ms per task${results.quick ? ' (`--quick`)' : ''}.`);
lines.push('');
lines.push('### Targets');
lines.push('');
lines.push('Each goal is a ratio measured in one process (a row against its group\'s baseline, or for');
lines.push('"vs jose" the ratio of two rows\' ratios); "met" is judged on this run.');
lines.push('');
lines.push('| Target | Goal | Value | Met |');
lines.push('|---|---:|---:|---|');
for (const t of results.targets) lines.push(`| ${t.target} | >= ${t.goal}x | ${t.value.toFixed(3)}x | ${t.met ? 'met' : '**not met**'} |`);
lines.push('');
lines.push('### All rows');
for (const g of groups) {
  lines.push('');
  lines.push(`**${g.name}**`);
  lines.push('');
  lines.push('| Task | ops/s | Ratio to baseline |');
  lines.push('|---|---:|---:|');
  for (const r of g.rows) lines.push(`| ${r.task} | ${fmt(r.opsPerSec)} | ${r.ratio.toFixed(3)}x |`);
}
if (server) lines.push('', ...serverLines(server));
if (memory) lines.push('', ...memoryLines(memory));
const generated = lines.join('\n');

// ---- bench/server/results.json: HTTP rows, their targets and the event-loop delay ----

function serverLines(sv) {
  const out = [];
  const els = sv.eventLoop ?? {};
  out.push('### Server (`npm run bench:server`)');
  out.push('');
  out.push(
    `Run: ${sv.date}, Node ${sv.node}, ${sv.rounds} round(s) of ${sv.durationSec} s per row${sv.quick ? ' (`--quick`)' : ''}; node:http on loopback, autocannon, ` +
      `HostDime on ${sv.connections} connections${sv.bearerConnections ? `, HostBill Bearer (RS256, ${sv.bearerBits}-bit key) on ${sv.bearerConnections}` : ''}. ` +
      'Ratios are medians of per-round ratios; server, client and crypto threads share the machine.',
  );
  if (sv.targets?.length) {
    out.push('');
    out.push('| Target | Goal | Value | Met |');
    out.push('|---|---:|---:|---|');
    for (const t of sv.targets) out.push(`| ${t.target} | ${t.better === 'lower' ? '<=' : '>='} ${t.goal} | ${t.value} | ${t.met ? 'met' : '**not met**'} |`);
  }
  // [key in ratios, key in ratios.perRound, name]
  const ratioNames = [
    ['verifiedMemoryOverOff', 'memOverOff', 'HostDime verified (memory nonces) / off'],
    ['verifiedRedisOverMemory', 'redisOverMem', 'HostDime Redis nonces / memory nonces'],
    ['verifiedRedisOverOff', 'redisOverOff', 'HostDime verified (Redis nonces) / off'],
    ['bearerAsyncOverOff', 'bearerAsyncOverOff', 'HostBill Bearer verified (Web Crypto) / off'],
    ['bearerPureOverOff', 'bearerPureOverOff', 'HostBill Bearer verified (pure) / off'],
  ];
  out.push('');
  out.push('| Ratio (req/s) | Median | Rounds |');
  out.push('|---|---:|---|');
  for (const [k, perRoundKey, name] of ratioNames) {
    if (sv.ratios?.[k] === undefined) continue;
    out.push(`| ${name} | ${sv.ratios[k].toFixed(3)} | ${(sv.ratios.perRound ?? []).map((r) => r[perRoundKey]?.toFixed(3) ?? '').join(', ')} |`);
  }
  const elNames = {
    bearerOffAtRate: `off, Bearer requests, steady ${els.fixedRate} req/s`,
    bearerAsyncAtRate: `HostBill Bearer, Web Crypto, steady ${els.fixedRate} req/s`,
    bearerPureAtRate: `HostBill Bearer, pure, steady ${els.fixedRate} req/s`,
    bearerOff: 'off, Bearer requests, saturated',
    bearerAsync: 'HostBill Bearer, Web Crypto, saturated',
    bearerPure: 'HostBill Bearer, pure, saturated',
    hostdimeOff: 'off, HostDime requests, saturated',
    hostdimeMemory: 'HostDime verified (memory nonces), saturated',
  };
  if (Object.keys(elNames).some((k) => els[k])) {
    out.push('');
    out.push(
      `Event-loop delay of the server process, ms (\`monitorEventLoopDelay\`, resolution 1 ms, so an idle loop reads about 1.0-1.1; ` +
        'median over rounds of p50 and p99, largest max). A process starved of CPU by others shows delay too: read each row against the "off" server under the same load.',
    );
    out.push('');
    out.push('| Server, load | p50 | p99 | max |');
    out.push('|---|---:|---:|---:|');
    for (const [k, name] of Object.entries(elNames)) if (els[k]) out.push(`| ${name} | ${els[k].p50} | ${els[k].p99} | ${els[k].max} |`);
  }
  out.push('');
  out.push('| Row | Connections | req/s | latency p50 ms | latency p99 ms | event loop p99 ms | non-2xx |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of sv.rows) out.push(`| ${r.label} | ${r.connections ?? sv.connections} | ${fmt(r.reqPerSec)} | ${r.p50ms} | ${r.p99ms} | ${r.eventLoop?.p99 ?? ''} | ${r.non2xx} |`);
  return out;
}

// ---- bench/memory.json: heap per verify path ----

function memoryLines(m) {
  const out = [];
  out.push('### Heap (`node --expose-gc bench/memory.js`)');
  out.push('');
  out.push(`Run: ${m.date}, Node ${m.node}, ${m.count.toLocaleString('en-US')} verifications per path after a warm-up; heap used after a double GC.`);
  out.push('');
  out.push('| Path | Verifications | Heap before | Steady state | After | Growth | Slope (KiB per 100k) | Rate |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of m.results) {
    out.push(`| ${r.path} | ${r.count.toLocaleString('en-US')} | ${r.heapBeforeMiB} MiB | ${r.heapSteadyMiB} MiB | ${r.heapAfterMiB} MiB | ${r.growthMiB} MiB | ${r.slopeKiBPer100k} | ${fmt(r.perSec)}/s |`);
  }
  return out;
}

const BEGIN = '<!-- BEGIN bench/chart.js output -->';
const END = '<!-- END bench/chart.js output -->';
let doc;
try {
  doc = readFileSync(docUrl, 'utf8');
} catch {
  doc = `# Benchmarks\n\n${BEGIN}\n${END}\n`;
}
const a = doc.indexOf(BEGIN);
const b = doc.indexOf(END);
if (a === -1 || b === -1) throw new Error('docs/BENCHMARKS.md lacks the generated-section markers');
writeFileSync(docUrl, `${doc.slice(0, a + BEGIN.length)}\n${generated}\n${doc.slice(b)}`);
console.log('wrote docs/images/benchmarks.svg and docs/BENCHMARKS.md');
