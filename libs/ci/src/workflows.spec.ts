import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CommandStartError, run } from '@satvach/exec';

// The workflows are checked twice: by the real actionlint (built by tools/scripts/setup.sh), and
// by assertions on their parsed YAML for what actionlint does not enforce: triggers, least
// privilege, SHA pins with a version comment, and concurrency.

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const workflowDir = join(workspaceRoot, '.github/workflows');
const files = readdirSync(workflowDir).filter((file) => /\.ya?ml$/.test(file)).sort();

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions?: Record<string, string>; environment?: unknown; steps?: { uses?: string; run?: string }[]; services?: Record<string, unknown> }>;
}
const load = (file: string) => parse(readFileSync(join(workflowDir, file), 'utf8')) as Workflow;

function actionlintPath(): string {
  const version = /^ACTIONLINT_VERSION=(\S+)$/m.exec(readFileSync(join(workspaceRoot, 'tools/scripts/setup.sh'), 'utf8'))?.[1];
  if (version === undefined) throw new Error('tools/scripts/setup.sh has no ACTIONLINT_VERSION= line');
  const dir = process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools');
  const built = join(dir, `actionlint-${version}`, 'actionlint');
  return existsSync(built) ? built : 'actionlint';
}

describe('actionlint', () => {
  it('finds no problem in .github/workflows', async () => {
    const binary = actionlintPath();
    const result = await run({ file: binary, args: ['-no-color'], cwd: workspaceRoot }, { quiet: true }).catch((error: unknown) => {
      if (error instanceof CommandStartError) {
        throw new Error(`actionlint is not installed (${binary}); run \`npm run setup\` (it builds actionlint with Go: apt-get install golang-go)`);
      }
      throw error;
    });
    expect(result.stdout).toBe('');
  });
});

describe('workflow files', () => {
  it('are the four the platform runs', () => {
    expect(files).toEqual(['cd.yml', 'ci.yml', 'cost-report.yml', 'security-sla.yml']);
  });

  it('trigger on what they are for', () => {
    expect(Object.keys(load('ci.yml').on).sort()).toEqual(['merge_group', 'pull_request']);
    expect(load('cd.yml').on).toEqual({ push: { branches: ['main'] } });
    const sla = load('security-sla.yml').on as { schedule: { cron: string }[] };
    expect(Object.keys(sla).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(sla.schedule).toHaveLength(1);
    const cost = load('cost-report.yml').on as { schedule: { cron: string }[] };
    expect(Object.keys(cost).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(cost.schedule).toEqual([{ cron: '0 6 1 * *' }]);
  });

  it.each(files)('%s: read-only token at the top; only named jobs get more', (file) => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const extra = Object.fromEntries(
      Object.entries(workflow.jobs)
        .filter(([, job]) => job.permissions !== undefined && Object.values(job.permissions).some((level) => level === 'write'))
        .map(([name, job]) => [name, job.permissions]),
    );
    const expected: Record<string, unknown> = {
      'ci.yml': {},
      'cd.yml': { publish: { contents: 'read', packages: 'write' } },
      'security-sla.yml': { check: { contents: 'read', 'pull-requests': 'read', issues: 'write' } },
      'cost-report.yml': {},
    };
    expect(extra).toEqual(expected[file]);
  });

  it.each(files)('%s: every third-party action is pinned to a full commit sha with a # vX.Y.Z comment', (file) => {
    const lines = readFileSync(join(workflowDir, file), 'utf8').split('\n');
    const uses = lines.filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      const ref = /uses:\s*(\S+)/.exec(line)?.[1] ?? '';
      if (ref.startsWith('./') || ref.startsWith('docker://')) continue;
      expect(line, `${file}: ${line.trim()}`).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    // and the parsed YAML agrees with the lines read above
    const parsedUses = Object.values(load(file).jobs).flatMap((job) => (job.steps ?? []).map((step) => step.uses).filter(Boolean));
    expect(parsedUses).toHaveLength(uses.length);
  });

  it.each(files)('%s: a concurrency group that cancels superseded runs', (file) => {
    const { concurrency } = load(file);
    expect(concurrency?.group).toMatch(/\S/);
    expect(concurrency?.['cancel-in-progress']).toBe(true);
  });

  it('CI checks out full history, uses Node from .nvmrc with the npm cache, and tests in Debian 12 set up by setup.sh', () => {
    const ci = load('ci.yml');
    const steps = Object.values(ci.jobs).flatMap((job) => job.steps ?? []) as { uses?: string; with?: Record<string, unknown>; run?: string }[];
    for (const step of steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.['fetch-depth']).toBe(0);
    for (const step of steps.filter((s) => s.uses?.startsWith('actions/setup-node@'))) {
      expect(step.with).toMatchObject({ 'node-version-file': '.nvmrc', cache: 'npm' });
    }
    expect(readFileSync(join(workspaceRoot, '.nvmrc'), 'utf8').trim()).toMatch(/^24(\.|$)/);
    // Debian 12's python3 is 3.11, the backend's version; the harness starts its own PostgreSQL 15.
    for (const name of ['affected', 'e2e']) {
      const job = ci.jobs[name] as { container?: { image?: string; options?: string }; services?: unknown };
      expect(job.container?.image, name).toBe('debian:bookworm');
      expect(job.container?.options, name).toBe('--privileged');
      expect(job.services, name).toBeUndefined();
    }
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('bash tools/scripts/setup.sh');
    expect(runs).toContain('npx nx affected -t lint typecheck test build --base="$BASE" --head="$HEAD_SHA"');
    expect(runs).toContain('npx nx affected -t e2e --base="$BASE" --head="$HEAD_SHA"');
    expect(runs).toContain('npx nx run platform:affected-images');
    expect(runs).toContain('npx nx run-many -t docker-build -p "$PROJECTS"');
    expect(runs).not.toMatch(/docker-push/);
  });

  it('CD: base from the last successful run (or an explicit rebuild of everything), push, manifest, protected deploy', () => {
    const cd = load('cd.yml');
    const runOf = (job: string) => (cd.jobs[job]?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runOf('plan')).toContain('gh run list');
    expect(runOf('plan')).toContain('--status success');
    expect(runOf('plan')).toContain('::warning::no successful CD run on main was found; rebuilding every image');
    expect(runOf('plan')).toContain('--all --allReason="no successful CD run on main"');
    expect(runOf('publish')).toContain('npx nx run-many -t docker-push -p "$PROJECTS"');
    expect(runOf('publish')).toContain('libs/ci/src/bin/release-manifest.ts');
    const deploy = cd.jobs.deploy as { environment?: string; if?: string; needs?: string[] };
    expect(deploy.environment).toBe('production');
    expect(deploy.if).toBe("needs.plan.outputs.images != ''");
    expect(deploy.needs).toEqual(['plan', 'publish']);
    expect(runOf('deploy')).toContain('npx nx run backend:deploy --strategy=canary --manifest=/var/lib/satvach/deploy/release.json');
    expect(runOf('deploy')).toContain('scp -i ~/.ssh/deploy_key dist/release/manifest.json');
  });

  it('cost report: on the 1st of each month, on the production host, emailed, kept as an artifact; only YYYY-MM reaches the remote command', () => {
    const workflow = load('cost-report.yml');
    const report = workflow.jobs.report as { environment?: string; steps?: { run?: string; uses?: string; with?: Record<string, unknown> }[] };
    expect(report.environment).toBe('production');
    const runs = (report.steps ?? []).map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('npx nx run stack:cost-report --email --outputDir=dist/cost-report ${2:+--month="$2"}');
    expect(runs).toContain('[[ "$MONTH" =~ ^([0-9]{4}-(0[1-9]|1[0-2]))?$ ]]');
    expect(runs).not.toContain('${{');
    expect(report.steps?.find((step) => step.uses?.startsWith('actions/upload-artifact@'))?.with).toMatchObject({ name: 'cost-report', path: 'dist/cost-report/' });
  });
});
