// The README's conformance command, run as written: from the clone, and from a project that
// installed the packed tarball (npm pack, then npm install <tgz>, offline). The reference
// adapters ship in the package, so the command must not depend on the clone's examples/.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run.js';
import { phpAvailable } from '../helpers/php.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's conformance command: its `npx hostsig vectors --exec ...` line in a sh block. */
function readmeConformanceCommand(): string {
  const lines = README.split('\n').filter((l) => /^npx hostsig vectors --exec /.test(l));
  expect(lines, 'one conformance command in README.md').toHaveLength(1);
  return lines[0]!;
}

/** Runs a README line through sh, as a user pastes it; npx stays offline. */
function sh(line: string, cwd: string): { code: number; out: string; err: string } {
  const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', NO_COLOR: '1' };
  delete (env as Record<string, string | undefined>).HOSTSIG_ADAPTERS;
  const r = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' } });

/** npm pack into a temp folder, then npm install the tarball into a fresh project there. */
function installPacked(): string {
  const tmp = mkdtempSync(join(tmpdir(), 'hostsig-install-'));
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT)) as { filename: string }[];
  const project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // The one runtime dependency comes from the repo's own node_modules (the npm cache may not hold it).
  cpSync(join(ROOT, 'node_modules', '@noble', 'hashes'), join(project, 'node_modules', '@noble', 'hashes'), { recursive: true });
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, packed!.filename)], project);
  return project;
}

describe.skipIf(!phpAvailable())('the README conformance command, with the PHP reference adapter', () => {
  let command: string;
  beforeAll(() => {
    ensureBuilt();
    command = readmeConformanceCommand();
  });

  it('works as written from the clone', () => {
    const r = sh(command, ROOT);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hostdime\s+HostDimeVerify\s+(\d+)\s+\1\s+0\s+0\s+ok/);
    expect(r.out).toMatch(/\d+ cases: \d+ passed, 0 failed, \d+ skipped/);
  });

  it('works as written after npm install of the packed tarball, and --list-adapters points into node_modules/hostsig', { timeout: 60_000 }, () => {
    const project = realpathSync(installPacked());
    const installed = join(project, 'node_modules', 'hostsig');
    expect(existsSync(join(installed, 'examples', 'adapters', 'php', 'hostsig-adapter.php'))).toBe(true);
    expect(existsSync(join(project, 'examples'))).toBe(false);
    const r = sh(command, project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/sixconnect\s+SixConnectVerify\s+(\d+)\s+\1\s+0\s+0\s+ok/);
    expect(r.out).toMatch(/\d+ cases: \d+ passed, 0 failed, \d+ skipped/);
    const list = sh('npx hostsig vectors --list-adapters', project);
    expect(list.code).toBe(0);
    expect(list.out).toContain(`hostsig vectors --exec 'php ${join(installed, 'examples', 'adapters', 'php', 'hostsig-adapter.php')}'`);
  });
});
