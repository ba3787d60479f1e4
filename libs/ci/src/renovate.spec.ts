import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, run } from '@satvach/exec';
import { CRITICAL_LABELS, SECURITY_LABEL } from './security-sla.ts';
import { createWorkspaceCopy, type WorkspaceCopy } from './testing/index.ts';

// renovate.json is checked by Renovate itself: its validator (strict, as repository config), and an
// extraction dry run on a git copy of the workspace whose log must show every manager whose files
// exist here, with exactly those files. `--dry-run=extract` is the offline part of a dry run; the
// lookup part queries public registries and Docker Hub, which tests must not reach.

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const bin = (name: string) => join(workspaceRoot, 'node_modules/.bin', name);
const installHint = 'renovate is a root devDependency: run `npm ci` at the workspace root';
const config = JSON.parse(await readFile(join(workspaceRoot, 'renovate.json'), 'utf8')) as Record<string, unknown> & {
  enabledManagers: string[];
  packageRules: { matchPackageNames?: string[]; groupName?: string; allowedVersions?: string; automerge?: boolean }[];
  vulnerabilityAlerts: { labels: string[]; schedule: string[]; automerge: boolean };
};

async function validate(file: string) {
  return run({ file: bin('renovate-config-validator'), args: ['--strict', '--no-global', file], cwd: workspaceRoot }, { quiet: true }).catch(
    (error: unknown) => {
      if (error instanceof CommandFailedError) return { exitCode: error.exitCode ?? -1, stdout: error.stdout, stderr: error.stderr };
      throw new Error(`${installHint} (${String(error)})`);
    },
  );
}

describe('renovate-config-validator', () => {
  it('accepts renovate.json as strict repository config', async () => {
    const result = await validate(join(workspaceRoot, 'renovate.json'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Config validated successfully');
  });

  it('rejects a config with an unknown option (the check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'satvach-renovate-'));
    try {
      await writeFile(join(dir, 'renovate.json'), JSON.stringify({ ...config, automergeEverything: true }));
      const result = await validate(join(dir, 'renovate.json'));
      expect(result.exitCode).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toContain('Invalid configuration option: automergeEverything');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('renovate.json policy', () => {
  it('extends config:best-practices and enables the managers the platform uses', () => {
    expect(config.extends).toEqual(['config:best-practices']);
    expect(config.enabledManagers).toEqual(['npm', 'pep621', 'pip_requirements', 'dockerfile', 'docker-compose', 'github-actions', 'terraform']);
    expect(config.dependencyDashboard).toBe(true);
    expect(config.osvVulnerabilityAlerts).toBe(true);
  });

  it('labels security PRs so that the 24-hour checker recognises critical ones', () => {
    const { labels, schedule, automerge } = config.vulnerabilityAlerts;
    expect(labels).toContain(SECURITY_LABEL);
    // Renovate fills {{vulnerabilitySeverity}} with CRITICAL, HIGH, …; the checker compares lower-cased.
    expect(labels.map((label) => label.replace('{{vulnerabilitySeverity}}', 'CRITICAL').toLowerCase())).toContain(CRITICAL_LABELS[0]);
    expect(schedule).toEqual(['at any time']);
    expect(automerge).toBe(true);
  });

  it('moves every nx and @nx/* package in one group, and the workspace pins them all to one exact version', async () => {
    const rule = config.packageRules.find((r) => r.groupName === 'nx');
    expect(rule?.matchPackageNames).toEqual(['nx', '@nx/**']);
    expect(rule?.automerge).toBe(false);
    const pkg = JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const nxVersions = Object.entries(pkg.devDependencies).filter(([name]) => name === 'nx' || name.startsWith('@nx/'));
    expect(nxVersions.length).toBeGreaterThan(1);
    expect(new Set(nxVersions.map(([, version]) => version)).size, JSON.stringify(nxVersions)).toBe(1);
    expect(nxVersions[0]?.[1]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('holds TypeScript below 7', () => {
    expect(config.packageRules.find((r) => r.matchPackageNames?.includes('typescript'))?.allowedVersions).toBe('<7');
  });
});

describe('renovate --platform=local --dry-run=extract', () => {
  let copy: WorkspaceCopy;
  let packageFiles: Record<string, { packageFile: string; deps: { depName?: string; currentValue?: string; currentDigest?: string }[] }[]>;

  beforeAll(async () => {
    copy = await createWorkspaceCopy(workspaceRoot, 'satvach-renovate-');
    const baseDir = join(copy.root, '.renovate-base');
    const result = await run(
      {
        file: bin('renovate'),
        args: ['--platform=local', '--dry-run=extract'],
        cwd: copy.root,
        env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'json', RENOVATE_BASE_DIR: baseDir },
      },
      { quiet: true, timeoutMs: 120_000 },
    ).catch((error: unknown) => {
      throw new Error(`${installHint} (${String(error)})`);
    });
    const entries = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { packageFiles?: typeof packageFiles });
    const extracted = entries.find((entry) => entry.packageFiles !== undefined)?.packageFiles;
    if (extracted === undefined) throw new Error(`renovate logged no packageFiles; last lines:\n${result.stdout.split('\n').slice(-5).join('\n')}`);
    packageFiles = extracted;
  });
  afterAll(() => copy.remove());

  const tracked = async (pattern: RegExp) =>
    (await copy.git('ls-files')).split('\n').filter((file) => pattern.test(file) && !file.startsWith('.renovate-base/')).sort();
  const filesOf = (manager: string) => (packageFiles[manager] ?? []).map((file) => file.packageFile).sort();

  it('detects exactly the managers whose files exist in the repository', async () => {
    const expected = ['npm', 'pep621', 'pip_requirements', 'dockerfile', 'github-actions'];
    if ((await tracked(/(^|\/)(docker-)?compose[^/]*\.ya?ml$/)).length > 0) expected.push('docker-compose');
    if ((await tracked(/\.tf$/)).length > 0) expected.push('terraform');
    expect(Object.keys(packageFiles).sort()).toEqual(expected.sort());
  });

  it('reads every package.json, the backend pyproject and both hashed Python locks', async () => {
    expect(filesOf('npm')).toEqual(await tracked(/(^|\/)package\.json$/));
    expect(filesOf('pep621')).toEqual(['apps/backend/pyproject.toml']);
    expect(filesOf('pip_requirements')).toEqual(['apps/backend/requirements-dev.lock', 'apps/backend/requirements.lock']);
  });

  it('reads every Dockerfile and workflow, and sees each action pin as digest + version', async () => {
    expect(filesOf('dockerfile')).toEqual(await tracked(/(^|\/)Dockerfile$/));
    expect(filesOf('github-actions')).toEqual(await tracked(/^\.github\/workflows\/.+\.ya?ml$/));
    const actions = (packageFiles['github-actions'] ?? []).flatMap((file) => file.deps).filter((dep) => dep.currentDigest !== undefined || dep.depName?.includes('/'));
    const thirdParty = actions.filter((dep) => dep.depName?.startsWith('actions/'));
    expect(thirdParty.length).toBeGreaterThan(0);
    for (const dep of thirdParty) {
      expect(dep.currentDigest, dep.depName).toMatch(/^[0-9a-f]{40}$/);
      expect(dep.currentValue, dep.depName).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });
});
