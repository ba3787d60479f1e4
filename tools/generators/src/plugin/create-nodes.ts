import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  createNodesFromFiles,
} from '@nx/devkit';
import {
  inferPythonTargets,
  parsePyproject,
  PYTHON_MARKER_FILES,
  type PythonProjectFacts,
} from './python-targets.ts';
import { type DockerTargetOptions, inferDockerTargets } from './docker-targets.ts';
import { inferTypecheckTarget, VITE_CONFIG_FILES } from './typescript-targets.ts';

/** Options of the plugin entry in nx.json. */
export type PlatformPluginOptions = DockerTargetOptions;

/**
 * Files that imply targets. Reading them is cheaper than hashing them, so results are not cached.
 * project.json is read for the image targets of a project whose Dockerfile is shared (see sharedDockerfileProject).
 */
export const PLATFORM_PROJECT_FILES_GLOB = '**/{pyproject.toml,tsconfig.json,Dockerfile,project.json}';

/** Files that make a folder a project; a Dockerfile elsewhere (e.g. a local base image) is not one. */
const PROJECT_FILES = ['project.json', 'package.json', 'pyproject.toml'];

function runnablePackages(srcDir: string): string[] {
  if (!existsSync(srcDir)) return [];
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(srcDir, entry.name, '__main__.py')))
    .map((entry) => entry.name)
    .sort();
}

export function readPythonProjectFacts(absoluteRoot: string): PythonProjectFacts {
  const pyprojectPath = join(absoluteRoot, 'pyproject.toml');
  return {
    pyproject: parsePyproject(readFileSync(pyprojectPath, 'utf8'), pyprojectPath),
    files: new Set(PYTHON_MARKER_FILES.filter((file) => existsSync(join(absoluteRoot, file)))),
    runnablePackages: runnablePackages(join(absoluteRoot, 'src')),
  };
}

function pythonProject(configFile: string, context: CreateNodesContext): CreateNodesResult {
  const projectRoot = dirname(configFile);
  const absoluteRoot = join(context.workspaceRoot, projectRoot);
  const facts = readPythonProjectFacts(absoluteRoot);
  const namedElsewhere =
    existsSync(join(absoluteRoot, 'project.json')) || existsSync(join(absoluteRoot, 'package.json'));
  return {
    projects: {
      [projectRoot]: {
        ...(namedElsewhere ? {} : { name: basename(projectRoot) }),
        targets: inferPythonTargets(projectRoot, facts),
      },
    },
  };
}

function typescriptProject(configFile: string, context: CreateNodesContext): CreateNodesResult {
  const projectRoot = dirname(configFile);
  // The workspace root's tsconfig is not a project; a Vite project gets typecheck from @nx/vite.
  if (projectRoot === '.') return {};
  const absoluteRoot = join(context.workspaceRoot, projectRoot);
  if (VITE_CONFIG_FILES.some((file) => existsSync(join(absoluteRoot, file)))) return {};
  return { projects: { [projectRoot]: { targets: inferTypecheckTarget(projectRoot) } } };
}

function dockerProject(configFile: string, options: PlatformPluginOptions, context: CreateNodesContext): CreateNodesResult {
  const projectRoot = dirname(configFile);
  const isProject = PROJECT_FILES.some((file) => existsSync(join(context.workspaceRoot, projectRoot, file)));
  if (!isProject) return {};
  return { projects: { [projectRoot]: { targets: inferDockerTargets(options) } } };
}

/**
 * A project without a Dockerfile of its own whose project.json configures `docker-build` with a
 * `dockerfile` option: its image is one target of a Dockerfile several images share (docker/node-tool).
 */
function sharedDockerfileProject(configFile: string, options: PlatformPluginOptions, context: CreateNodesContext): CreateNodesResult {
  const projectRoot = dirname(configFile);
  if (existsSync(join(context.workspaceRoot, projectRoot, 'Dockerfile'))) return {};
  let config: { targets?: Record<string, { options?: { dockerfile?: unknown } }> };
  try {
    config = JSON.parse(readFileSync(join(context.workspaceRoot, configFile), 'utf8'));
  } catch (error) {
    throw new Error(`${configFile} is not valid JSON (${(error as Error).message}): fix the file`);
  }
  if (typeof config.targets?.['docker-build']?.options?.dockerfile !== 'string') return {};
  return { projects: { [projectRoot]: { targets: inferDockerTargets(options) } } };
}

const INFERENCE_BY_FILE: Record<string, (file: string, options: PlatformPluginOptions, context: CreateNodesContext) => CreateNodesResult> = {
  'pyproject.toml': (file, _options, context) => pythonProject(file, context),
  'tsconfig.json': (file, _options, context) => typescriptProject(file, context),
  Dockerfile: dockerProject,
  'project.json': sharedDockerfileProject,
};

export const createNodes: CreateNodes<PlatformPluginOptions> = [
  PLATFORM_PROJECT_FILES_GLOB,
  (configFiles, options, context) =>
    createNodesFromFiles(
      (configFile, pluginOptions, ctx) => {
        const infer = INFERENCE_BY_FILE[basename(configFile)];
        return infer ? infer(configFile, pluginOptions ?? {}, ctx) : {};
      },
      configFiles,
      options ?? {},
      context,
    ),
];
