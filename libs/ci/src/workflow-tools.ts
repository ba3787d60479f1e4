import { SETUP_SCRIPT, type SetupManifest } from './setup-manifest.ts';

export interface WorkflowStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}

export interface WorkflowJob {
  readonly container?: string | { readonly image?: string; readonly options?: string };
  readonly steps?: readonly WorkflowStep[];
}

export interface Workflow {
  readonly jobs: Readonly<Record<string, WorkflowJob>>;
}

/** A step that runs tests: `nx affected`/`run-many` with a test or e2e target, `nx run p:test`, npm test, vitest, pytest. */
export function runsTests(step: WorkflowStep): boolean {
  const run = step.run ?? '';
  return (
    /\bnx\s+(affected|run-many)\b[^\n]*\s-t[\s=][^\n]*\b(test|e2e)\b/.test(run) ||
    /\bnx\s+run\s+[\w-]+:(test|e2e)\b/.test(run) ||
    /\bnpm\s+(run\s+)?test\b/.test(run) ||
    /\b(vitest|pytest)\b/.test(run)
  );
}

const runsSetup = (step: WorkflowStep) => new RegExp(`\\bbash\\s+(\\./)?${SETUP_SCRIPT.replace(/\./g, '\\.')}\\b|\\bnpm\\s+run\\s+setup\\b`).test(step.run ?? '');
const aptInstalls = (step: WorkflowStep, pkg: string) =>
  (step.run ?? '').split('\n').some((line) => /\bapt(-get)?\s+install\b/.test(line) && line.split(/\s+/).includes(pkg));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Requirement {
  readonly what: string;
  readonly providedBy: (step: WorkflowStep) => boolean;
}

/** Everything a test step needs, each with the steps that provide it. */
function requirements(manifest: SetupManifest): Requirement[] {
  return [
    { what: 'Node (actions/setup-node)', providedBy: (step) => step.uses?.startsWith('actions/setup-node@') === true },
    { what: 'node_modules (npm ci)', providedBy: (step) => /\bnpm\s+ci\b/.test(step.run ?? '') },
    ...manifest.debianPackages.map((pkg) => ({ what: `Debian package ${pkg}`, providedBy: (step: WorkflowStep) => runsSetup(step) || aptInstalls(step, pkg) })),
    ...manifest.goTools.map((tool) => ({
      what: `${tool.name} ${tool.version}`,
      providedBy: (step: WorkflowStep) => runsSetup(step) || new RegExp(`\\bgo\\s+install\\s+${escape(tool.goPackage)}@`).test(step.run ?? ''),
    })),
    ...manifest.scripts.map((script) => ({
      what: `what ${script} sets up`,
      providedBy: (step: WorkflowStep) => runsSetup(step) || new RegExp(`\\bbash\\s+(\\./)?${escape(script)}\\b`).test(step.run ?? ''),
    })),
  ];
}

const label = (step: WorkflowStep, index: number) => `step ${index + 1} "${step.name ?? step.run?.split('\n')[0] ?? step.uses}"`;

/**
 * Why a workflow's test steps would fail on a stock runner: a tool the tests call that no earlier
 * step of the same job installs, or a setup step that cannot work where it runs (setup.sh installs
 * Debian 12 packages as root and builds Go tools; its Docker harness starts an engine of its own).
 * Empty when every test step has what it needs.
 */
export function missingInstalls(file: string, workflow: Workflow, manifest: SetupManifest): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    const image = typeof job.container === 'string' ? job.container : job.container?.image;
    const options = typeof job.container === 'string' ? '' : (job.container?.options ?? '');
    steps.forEach((step, index) => {
      const before = steps.slice(0, index);
      if (runsTests(step)) {
        for (const requirement of requirements(manifest)) {
          if (!before.some(requirement.providedBy)) {
            problems.push(`${file} job ${name}: ${label(step, index)} runs tests, but no earlier step installs ${requirement.what} (run \`bash ${SETUP_SCRIPT}\` before it)`);
          }
        }
      }
      if (runsSetup(step)) {
        if (!/^debian:(bookworm|12)\b/.test(image ?? '')) {
          problems.push(`${file} job ${name}: ${label(step, index)} runs ${SETUP_SCRIPT} (Debian 12 packages, as root) outside a debian:bookworm container (container: ${image ?? 'none'})`);
        }
        if (manifest.scripts.some((script) => script.endsWith('/docker-harness.sh'))) {
          if (!/--privileged\b/.test(options)) {
            problems.push(`${file} job ${name}: ${label(step, index)} runs the Docker harness, which starts its own engine: the job container needs --privileged`);
          }
          // GitHub mounts the runner's socket there; the harness would reuse that engine, whose host network is not the job's.
          if (image !== undefined && !before.some((s) => /\bumount\s+\/var\/run\/docker\.sock\b/.test(s.run ?? ''))) {
            problems.push(`${file} job ${name}: ${label(step, index)} runs the Docker harness in a job container, but no earlier step unmounts the runner's /var/run/docker.sock`);
          }
        }
        if (manifest.goTools.length > 0 && !before.some((s) => s.uses?.startsWith('actions/setup-go@') === true)) {
          problems.push(`${file} job ${name}: ${label(step, index)} builds ${manifest.goTools.map((t) => t.name).join(', ')} with Go, but no earlier step sets up Go (actions/setup-go)`);
        }
      }
    });
  }
  return problems;
}
