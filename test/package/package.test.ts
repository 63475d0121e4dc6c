// What `npm publish` would ship and how consumers load it: the packed file list, publint
// --strict, arethetypeswrong, require(esm) from a .cjs file, and the size budgets of the
// narrow subpaths (esbuild, minified, gzip) with the bundle-bleed check.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

/** Budgets from the issue, in bytes of min+gzip, bundled from the subpath. */
export const BUDGETS: Record<string, number> = {
  'hostsig/sixconnect': 6 * 1024,
  'hostsig/hostdime': 9 * 1024,
  'hostsig/jwt': 16 * 1024,
};

/**
 * Subpaths measured over budget, with the size they must not grow past (measured + 2%) until
 * the code is slimmed. Replacing @scure/base with hostsig's own codecs took sixconnect from
 * 10 203 to 9 307 B and hostdime from 12 267 to 11 199 B. What is left is mostly
 * @noble/hashes' SHA-256 + HMAC (about 2.7 KB of gzip on its own, its round-constant table
 * barely compresses) plus the PHP array/parse_str/urlencode codecs that the signed params and
 * the lazy `params` need; an open item for the core and scheme owners. The hostile-input
 * hardening (one identity per request: parse_str's duplicate rule and 6connect's name scan;
 * index scans in place of backtracking regexes) then added about 380 B to sixconnect (9 745)
 * and 450 B to hostdime (11 691), raised here on purpose. Then, on purpose again: the hash
 * backend dispatch (hostsig/node can put OpenSSL under every scheme) and the one failure helper
 * that keeps a cause, about 80 B each, and for hostdime the `ruby` dialect (hdcore-rb's JSON
 * generator and Ruby's float format, about 300 B). A subpath leaves this list as soon as
 * it fits: the test then fails on the stale entry, so the list only shrinks otherwise.
 */
export const OVER_BUDGET: Record<string, number> = {
  'hostsig/sixconnect': 10_000,
  'hostsig/hostdime': 12_280,
};

/**
 * Bundle inputs that may contain `BigInt`, and why; none of them is RSA. Everything under
 * dist/rsa and dist/jwt is refused outright.
 */
const BIGINT_ALLOWED: Record<string, string> = {
  'dist/core/php/array.js': "PHP's int64 array keys",
  'dist/core/php/query.js': 'a bigint param value is written as its decimal digits',
  'dist/core/php/json.js': 'a bigint param value is encoded as a JSON integer',
  'node_modules/@noble/hashes/_u64.js': "SHA-512's 64-bit helpers, kept by the bundler",
  'node_modules/@noble/hashes/sha2.js': 'SHA-512 constants, kept by the bundler',
};

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { default?: string; types?: string } | string> };

/** The dist file a subpath resolves to (the build must exist: `npm ci` runs `prepare`). */
function distOf(spec: string): string {
  const sub = spec === 'hostsig' ? '.' : `./${spec.slice('hostsig/'.length)}`;
  const target = pkg.exports[sub];
  if (typeof target !== 'object' || !target.default) throw new Error(`no export ${sub}`);
  return join(ROOT, target.default);
}

async function bundle(spec: string): Promise<{ min: string; gzip: number; inputs: string[] }> {
  const r = await build({
    stdin: { contents: `export * from ${JSON.stringify(distOf(spec))};`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'neutral',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const min = r.outputFiles[0]!.text;
  const used = Object.values(r.metafile.outputs)[0]!.inputs;
  const inputs = Object.keys(used).filter((f) => used[f]!.bytesInOutput > 0 && f !== '<stdin>');
  return { min, gzip: gzipSync(min, { level: 9 }).length, inputs };
}

describe('npm pack', () => {
  const packed = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path).sort();

  it('ships dist with types per subpath, README, LICENSE, the vectors, the reference adapters and the playground; no tests or sources', () => {
    for (const f of ['README.md', 'LICENSE', 'package.json', 'docs/playground/index.html', 'vectors/schema/vectors.schema.json', 'vectors/schema/cli-output.schema.json', 'vectors/hostdime.json', 'vectors/sixconnect.json', 'vectors/keys/rsa2048.pkcs1.pem', 'examples/adapters/php/hostsig-adapter.php']) {
      expect(files).toContain(f);
    }
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (typeof target !== 'object') continue;
      expect(files, sub).toContain(target.default!.slice(2));
      expect(files, sub).toContain(target.types!.slice(2));
    }
    // docs/playground is the built web debugger, which `hostsig serve` serves, and examples/adapters
    // the reference adapters `hostsig vectors --list-adapters` points at: both ship on purpose.
    const shipped = (f: string) => f.startsWith('docs/playground/') || f.startsWith('examples/adapters/');
    const stray = files.filter((f) => (/^(test|src|bench|examples|docs|\.ci)\//.test(f) && !shipped(f)) || /\.test\.|\.tsbuildinfo$|__pycache__|\.pyc$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(stray).toEqual([]);
  });

  it('has no source maps, and no sourceMappingURL pointing at a file that is not packed', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const dangling = files
      .filter((f) => /\.(js|d\.ts)$/.test(f) && existsSync(join(ROOT, f)))
      .filter((f) => {
        const m = /\/\/# source(?:Mapping)?URL=(\S+)/.exec(readFileSync(join(ROOT, f), 'utf8'));
        return m !== null && !files.includes(join(f, '..', m[1]!).replace(/\\/g, '/'));
      });
    expect(dangling).toEqual([]);
  });
});

describe('consumers', () => {
  it('publint --strict passes', () => {
    expect(run(bin('publint'), ['--strict'])).toMatch(/All good!/);
  });

  it('arethetypeswrong passes with the esm-only profile (require(esm) is tested below instead)', () => {
    // attw models CommonJS resolution as TypeScript's node16 does, where a require of ESM is an
    // error; it cannot see Node >= 20.19's require(esm). So the esm-only profile, which ignores
    // node10 and node16-from-CJS, is the honest one, and the .cjs test below covers require().
    run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']);
  });

  it("require('hostsig') works from a .cjs file through require(esm) and signs the documented HostDime vector", () => {
    const out = JSON.parse(run(process.execPath, [join(ROOT, 'test', 'package', 'require-esm.cjs')]));
    expect(out).toEqual({
      hash: '499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd',
      sameFunction: true,
      six: 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=',
      esModule: true,
    });
  });
});

describe('bundle size (esbuild, minified, platform neutral, esm; gzip level 9)', () => {
  it.each(Object.entries(BUDGETS))('%s is within %i bytes', async (spec, budget) => {
    const { gzip, min } = await bundle(spec);
    const ceiling = OVER_BUDGET[spec];
    console.log(`${spec}: ${min.length} B minified, ${gzip} B min+gzip (budget ${budget} B${ceiling ? `; OVER BUDGET, held under ${ceiling} B` : ''})`);
    if (ceiling === undefined) expect(gzip).toBeLessThanOrEqual(budget);
    else {
      expect(gzip, `${spec} now fits its budget: remove it from OVER_BUDGET`).toBeGreaterThan(budget);
      expect(gzip, `${spec} grew past its recorded size`).toBeLessThanOrEqual(ceiling);
    }
  });

  it.each(['hostsig/sixconnect', 'hostsig/hostdime'])('%s pulls in no RSA or JWT module, and bigint only where allowed', async (spec) => {
    const { min, inputs } = await bundle(spec);
    expect(inputs.filter((f) => /^dist\/(rsa|jwt|schemes\/hostbill)\//.test(f))).toEqual([]);
    // Markers of src/rsa and src/jwt that survive minification: error texts, OIDs, PEM labels.
    const markers = [/RSA/, /PKCS/i, /BEGIN /, /1\.2\.840\.113549/, /RS256/, /modulus/i];
    expect(markers.filter((m) => m.test(min)).map(String)).toEqual([]);
    const bigintFiles = inputs.filter((f) => /BigInt\(|bigint/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bigintFiles.filter((f) => !(f in BIGINT_ALLOWED))).toEqual([]);
  });
});
