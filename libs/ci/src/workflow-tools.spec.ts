import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '@satvach/exec';
import { parseSetupScript, SETUP_SCRIPT, type SetupManifest } from './setup-manifest.ts';
import { toolVersions } from './tool-versions.ts';
import { missingInstalls, runsTests, type Workflow, type WorkflowJob, type WorkflowStep } from './workflow-tools.ts';

// A workflow whose tests call a tool that no earlier step installs fails on a stock runner. The tools
// come from one place, tools/scripts/setup.sh (its packages=(…) array, build_go_tool lines and the
// sub-scripts it runs), so a tool added there is checked here without editing this file.

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const workflowDir = join(workspaceRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowDir).filter((file) => /\.ya?ml$/.test(file)).sort();
const loadWorkflow = (file: string) => parse(readFileSync(join(workflowDir, file), 'utf8')) as Workflow;
const manifest = parseSetupScript(readFileSync(join(workspaceRoot, SETUP_SCRIPT), 'utf8'));

/** Every tool the manifest names, as the check words it. */
const everyTool = (m: SetupManifest) => [
  ...m.debianPackages.map((pkg) => `Debian package ${pkg}`),
  ...m.goTools.map((tool) => `${tool.name} ${tool.version}`),
  ...m.scripts.map((script) => `what ${script} sets up`),
];

function withJob(workflow: Workflow, name: string, change: (job: WorkflowJob) => WorkflowJob): Workflow {
  return { jobs: { ...workflow.jobs, [name]: change(workflow.jobs[name] as WorkflowJob) } };
}
const isSetup = (step: WorkflowStep) => step.run === `bash ${SETUP_SCRIPT}`;

describe('the tools setup.sh installs (the one list)', () => {
  it('are read from the script: the PostgreSQL, docker-compose and venv packages, actionlint, the venv, moto and the harness', () => {
    expect(manifest.debianPackages).toEqual(expect.arrayContaining(['postgresql-15-postgis-3', 'docker-compose', 'python3-venv', 'docker.io', 'mmdebstrap']));
    const actionlintVersion = /^ACTIONLINT_VERSION=(\S+)$/m.exec(readFileSync(join(workspaceRoot, SETUP_SCRIPT), 'utf8'))?.[1];
    expect(manifest.goTools).toContainEqual({ name: 'actionlint', version: actionlintVersion, goPackage: 'github.com/rhysd/actionlint/cmd/actionlint' });
    expect(manifest.scripts).toEqual(expect.arrayContaining(['apps/backend/scripts/setup-venv.sh', 'tools/scripts/setup-moto.sh', 'tools/scripts/docker-harness.sh']));
  });

  it('a package or Go tool added to the script is in the list', () => {
    const text = [
      'packages=(postgresql-15-postgis-3 git',
      '  # promtool for the rule tests',
      '  prometheus)',
      'packages+=(prometheus-alertmanager)  # amtool',
      'VL_VERSION=v1.52.1',
      'build_go_tool victoria-logs "$VL_VERSION" github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs',
      'build_go_tool mailpit v1.33.1 github.com/axllent/mailpit',
      'bash tools/scripts/setup-moto.sh',
    ].join('\n');
    expect(parseSetupScript(text)).toEqual({
      debianPackages: ['postgresql-15-postgis-3', 'git', 'prometheus', 'prometheus-alertmanager'],
      goTools: [
        { name: 'victoria-logs', version: 'v1.52.1', goPackage: 'github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs' },
        { name: 'mailpit', version: 'v1.33.1', goPackage: 'github.com/axllent/mailpit' },
      ],
      scripts: ['tools/scripts/setup-moto.sh'],
    });
    expect(() => parseSetupScript('echo hi\n')).toThrow(`${SETUP_SCRIPT} has no packages=(…) array`);
    expect(() => parseSetupScript('packages=(git)\nbuild_go_tool x "$X_VERSION" example.test/x\n')).toThrow('$X_VERSION" is used before a X_VERSION=… line'.slice(1));
  });
});

describe('every workflow step that runs tests has its tools installed by an earlier step', () => {
  it.each(workflowFiles)('%s', (file) => {
    expect(missingInstalls(file, loadWorkflow(file), manifest)).toEqual([]);
  });

  it('CI runs tests in both test jobs, unit and e2e (so the check above is not vacuous)', () => {
    const ci = loadWorkflow('ci.yml');
    const testing = Object.entries(ci.jobs).filter(([, job]) => (job.steps ?? []).some(runsTests)).map(([name]) => name);
    expect(testing).toEqual(['affected', 'e2e']);
  });

  it('fails for each tool of the list when the setup step is removed, naming the job, the step and the tool', () => {
    const ci = loadWorkflow('ci.yml');
    let broken = ci;
    for (const name of ['affected', 'e2e']) broken = withJob(broken, name, (job) => ({ ...job, steps: (job.steps ?? []).filter((step) => !isSetup(step)) }));
    const problems = missingInstalls('ci.yml', broken, manifest);
    // The bootstrap step installs git, curl and the certificates before the checkout: those stay covered.
    const bootstrap = (ci.jobs.affected?.steps?.[0]?.run ?? '').split(/\s+/);
    const missing = everyTool(manifest).filter((tool) => !bootstrap.some((pkg) => tool === `Debian package ${pkg}`));
    expect(missing).toEqual(expect.arrayContaining(['Debian package postgresql-15-postgis-3', 'Debian package docker-compose', 'Debian package python3-venv']));
    expect(problems).toHaveLength(2 * missing.length);
    for (const tool of missing) {
      expect(problems).toContain(
        `ci.yml job affected: step 7 "nx affected (or everything, when the plan found no usable base)" runs tests, but no earlier step installs ${tool} (run \`bash ${SETUP_SCRIPT}\` before it)`,
      );
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^ci\\.yml job e2e: .* no earlier step installs ${tool.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `)));
    }
  });

  it('fails when the setup step comes after the tests', () => {
    const ci = loadWorkflow('ci.yml');
    const late = withJob(ci, 'affected', (job) => {
      const steps = job.steps ?? [];
      return { ...job, steps: [...steps.filter((step) => !isSetup(step)), ...steps.filter(isSetup)] };
    });
    const problems = missingInstalls('ci.yml', late, manifest);
    expect(problems).toContainEqual(expect.stringContaining('no earlier step installs Debian package postgresql-15-postgis-3'));
    expect(problems).toContainEqual(expect.stringContaining('no earlier step installs what tools/scripts/setup-moto.sh sets up'));
  });

  it('checks tools installed one by one too: a package added to setup.sh and missing from the apt-get line fails', () => {
    const ci = loadWorkflow('ci.yml');
    const explicit = withJob(ci, 'affected', (job) => ({
      ...job,
      steps: (job.steps ?? []).flatMap((step) =>
        isSetup(step)
          ? [
              { run: `apt-get install -y ${manifest.debianPackages.join(' ')}` },
              ...manifest.goTools.map((tool) => ({ run: `go install ${tool.goPackage}@${tool.version}` })),
              ...manifest.scripts.map((script) => ({ run: `bash ${script}` })),
            ]
          : [step],
      ),
    }));
    expect(missingInstalls('ci.yml', explicit, manifest)).toEqual([]);
    const grown: SetupManifest = { ...manifest, debianPackages: [...manifest.debianPackages, 'pgbackrest'] };
    expect(missingInstalls('ci.yml', explicit, grown)).toEqual([expect.stringContaining('ci.yml job affected: step ')]);
    expect(missingInstalls('ci.yml', explicit, grown)[0]).toContain('no earlier step installs Debian package pgbackrest');
  });

  it('fails when setup.sh would run where it cannot work: not Debian 12, no --privileged or the runner\'s socket for the harness engine, no Go for its tools', () => {
    const ci = loadWorkflow('ci.yml');
    const { container: _container, ...bare } = ci.jobs.affected as WorkflowJob;
    expect(missingInstalls('ci.yml', withJob(ci, 'affected', () => bare), manifest)).toEqual([
      'ci.yml job affected: step 7 "Setup (tools/scripts/setup.sh)" runs tools/scripts/setup.sh (Debian 12 packages, as root) outside a debian:bookworm container (container: none)',
      'ci.yml job affected: step 7 "Setup (tools/scripts/setup.sh)" runs the Docker harness, which starts its own engine: the job container needs --privileged',
    ]);
    const sharedEngine = withJob(ci, 'affected', (job) => ({ ...job, steps: (job.steps ?? []).filter((step) => !step.run?.includes('umount')) }));
    expect(missingInstalls('ci.yml', sharedEngine, manifest)).toEqual([
      `ci.yml job affected: step 6 "Setup (tools/scripts/setup.sh)" runs the Docker harness in a job container, but no earlier step unmounts the runner's /var/run/docker.sock`,
    ]);
    const noGo = withJob(ci, 'e2e', (job) => ({ ...job, steps: (job.steps ?? []).filter((step) => !step.uses?.startsWith('actions/setup-go@')) }));
    expect(missingInstalls('ci.yml', noGo, manifest)).toEqual([
      `ci.yml job e2e: step 6 "Setup (tools/scripts/setup.sh)" builds ${manifest.goTools.map((t) => t.name).join(', ')} with Go, but no earlier step sets up Go (actions/setup-go)`,
    ]);
  });
});

describe('cached test results are keyed by the harness and the tool versions', () => {
  it('tool-versions prints each tool of the list with its installed version, absent ones as absent', async () => {
    const printed = await toolVersions({ ...manifest, debianPackages: [...manifest.debianPackages, 'satvach-no-such-package'] });
    const lines = printed.split('\n');
    const { stdout: compose } = await run({ file: 'dpkg-query', args: ['--show', '--showformat=${Version}', 'docker-compose'] }, { quiet: true });
    expect(lines).toContain(`docker-compose ${compose}`);
    expect(lines).toContain('satvach-no-such-package absent');
    for (const pkg of manifest.debianPackages) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${pkg.replace(/[.+]/g, '\\$&')} \\S+`)));
    for (const tool of manifest.goTools) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${tool.name} (${tool.version}|absent)$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^postgres-15 postgres \(PostgreSQL\) 15\./));
    expect(lines).toContainEqual(expect.stringMatching(/^python3 3\.\d+\.\d+$/));
  });

  it.each(['ci', 'backup', 'deploy', 'backend'])('%s:test has the harness files and the tool-versions command among its Nx inputs', async (project) => {
    const { stdout } = await run(
      { file: join(workspaceRoot, 'node_modules/.bin/nx'), args: ['show', 'target', 'inputs', `${project}:test`, '--json'], cwd: workspaceRoot, env: { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' } },
      { quiet: true },
    );
    const inputs = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { files: string[]; runtime: string[] };
    const scripts = readdirSync(join(workspaceRoot, 'tools/scripts')).filter((file) => file.endsWith('.sh')).map((file) => `tools/scripts/${file}`);
    expect(inputs.files).toEqual(expect.arrayContaining(['apps/backend/devtools/local_services.py', ...scripts]));
    expect(inputs.runtime).toContain('node libs/ci/src/bin/tool-versions.ts');
  });
});
