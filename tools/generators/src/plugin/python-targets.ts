import { type TargetConfiguration } from '@nx/devkit';
import { parse as parseToml } from 'smol-toml';

/**
 * What a Python project's files imply, read from its root. Only the presence of files and
 * tables matters: a project gets exactly the targets its own configuration can run.
 */
export interface PythonProjectFacts {
  /** Parsed pyproject.toml. */
  pyproject: Record<string, unknown>;
  /** File names (relative to the project root) that exist, among those the inference looks at. */
  files: ReadonlySet<string>;
  /** Packages under src/ that have a __main__.py, i.e. can be started with `python -m`. */
  runnablePackages: readonly string[];
}

/** Files next to pyproject.toml whose presence adds a target. */
export const PYTHON_MARKER_FILES = ['scripts/setup-venv.sh', 'alembic.ini'] as const;

const VENV_BIN = '.venv/bin';

export function parsePyproject(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid TOML: ${(error as Error).message}`);
  }
}

function table(root: Record<string, unknown>, ...path: string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

/**
 * The Nx targets a Python project's files imply. Tools run from the project's own virtualenv,
 * which the `venv` target creates, so every tool target depends on it.
 */
export function inferPythonTargets(
  projectRoot: string,
  facts: PythonProjectFacts,
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  const inProject = { cwd: projectRoot };
  const needsVenv = facts.files.has('scripts/setup-venv.sh');
  const dependsOn = needsVenv ? ['venv'] : [];
  const sources = ['default', '^production'];

  if (needsVenv) {
    targets.venv = {
      command: 'bash scripts/setup-venv.sh',
      options: inProject,
      // The script is idempotent and fast when nothing changed; the venv lives outside the cache.
      cache: false,
      metadata: { description: 'Creates or updates the project virtualenv (.venv) from the hashed lock.' },
    };
  }

  if (table(facts.pyproject, 'tool', 'ruff')) {
    targets.lint = {
      command: `${VENV_BIN}/ruff check . && ${VENV_BIN}/ruff format --check .`,
      options: inProject,
      cache: true,
      inputs: sources,
      dependsOn,
      metadata: { description: 'Lints and checks formatting with ruff.', technologies: ['python'] },
    };
  }

  if (table(facts.pyproject, 'tool', 'pytest', 'ini_options')) {
    targets.test = {
      command: `${VENV_BIN}/pytest`,
      options: inProject,
      cache: true,
      inputs: sources,
      dependsOn,
      metadata: { description: 'Runs the pytest suite.', technologies: ['python'] },
    };
  }

  if (facts.files.has('alembic.ini')) {
    targets.migrate = {
      command: `${VENV_BIN}/alembic upgrade head`,
      options: inProject,
      cache: false,
      dependsOn,
      metadata: { description: 'Applies database migrations (alembic upgrade head).', technologies: ['python'] },
    };
  }

  if (facts.runnablePackages.length === 1) {
    const [pkg] = facts.runnablePackages;
    targets.serve = {
      command: `${VENV_BIN}/python -m ${pkg}`,
      options: inProject,
      cache: false,
      continuous: true,
      dependsOn,
      metadata: { description: `Runs the service (python -m ${pkg}).`, technologies: ['python'] },
    };
  }

  return targets;
}
