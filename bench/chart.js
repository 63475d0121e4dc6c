// Regenerates docs/images/benchmarks.svg and the generated part of docs/BENCHMARKS.md (between
// the BEGIN/END markers) from bench/results.json. `node bench/chart.js` after `npm run bench`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
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
lines.push('| Target | Ratio | Goal | |');
lines.push('|---|---:|---:|---|');
for (const t of results.targets) lines.push(`| ${t.target} | ${t.value.toFixed(3)}x | >= ${t.goal}x | ${t.met ? 'met' : '**not met**'} |`);
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
const generated = lines.join('\n');

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
