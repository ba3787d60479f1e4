import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { run as execRun, type Command, type RunFn } from '@satvach/exec';
import { IMAGE_TARGET, type WorkspaceGraph } from './image-set.ts';

/**
 * Environment for the nx processes: no daemon (CI containers have none, and a temp copy of the
 * workspace must not start one), no interactive UI, no cloud.
 */
export const NX_ENV = { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' } as const;

/** The nx commands the image set needs, as data. */
export const NX_COMMANDS = {
  affected: (base: string, head: string) => ['show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--json'],
  graph: (file: string) => ['graph', `--file=${file}`],
} as const;

export function nxCommand(workspaceRoot: string, args: readonly string[]): Command {
  return { file: join(workspaceRoot, 'node_modules/.bin/nx'), args, cwd: workspaceRoot, env: { ...NX_ENV } };
}

const GraphFile = z.object({
  graph: z.object({
    nodes: z.record(
      z.string(),
      z.object({
        data: z.object({
          root: z.string(),
          targets: z.record(z.string(), z.object({ options: z.record(z.string(), z.unknown()).optional() }).loose()).optional(),
        }).loose(),
      }).loose(),
    ),
    dependencies: z.record(z.string(), z.array(z.object({ source: z.string(), target: z.string(), type: z.string() }))),
  }),
});

/**
 * Converts the JSON `nx graph --file` writes into what the image set needs. `readText` (workspace-
 * relative path → the file's text, undefined when missing) gives the ignore file that applies:
 * BuildKit reads `<Dockerfile>.dockerignore` instead of the context's `.dockerignore` when it exists.
 */
export function parseGraphFile(json: unknown, readText: (path: string) => string | undefined = () => undefined): WorkspaceGraph {
  const parsed = GraphFile.safeParse(json);
  if (!parsed.success) throw new Error(`unexpected output of "nx graph --file": ${z.prettifyError(parsed.error)}`);
  const projects: Record<string, WorkspaceGraph['projects'][string]> = {};
  for (const [name, node] of Object.entries(parsed.data.graph.nodes)) {
    const root = node.data.root;
    const target = node.data.targets?.[IMAGE_TARGET];
    if (target === undefined) {
      projects[name] = { root };
      continue;
    }
    const option = (key: string) => (typeof target.options?.[key] === 'string' ? (target.options[key] as string) : undefined);
    const dockerfile = option('dockerfile') ?? `${root}/Dockerfile`;
    const context = option('context') ?? root;
    const own = readText(`${dockerfile}.dockerignore`);
    const ignoreFile = own !== undefined ? `${dockerfile}.dockerignore` : `${context === '.' ? '' : `${context}/`}.dockerignore`;
    const ignoreRules = own ?? readText(ignoreFile);
    projects[name] = { root, image: { dockerfile, context, ignoreFile, ...(ignoreRules === undefined ? {} : { ignoreRules }) } };
  }
  const dependencies = Object.fromEntries(
    Object.entries(parsed.data.graph.dependencies).map(([name, list]) => [name, list.map(({ target, type }) => ({ target, type }))]),
  );
  return { projects, dependencies };
}

/** Nx's project graph of the working tree (`nx graph --file=<tmp>.json`). */
export async function readWorkspaceGraph(workspaceRoot: string, run: RunFn = execRun): Promise<WorkspaceGraph> {
  const dir = await mkdtemp(join(tmpdir(), 'satvach-graph-'));
  try {
    const file = join(dir, 'graph.json');
    await run(nxCommand(workspaceRoot, NX_COMMANDS.graph(file)), { quiet: true });
    return parseGraphFile(JSON.parse(await readFile(file, 'utf8')), (path) => {
      const absolute = join(workspaceRoot, path);
      return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The projects Nx marks affected between two commits (`nx show projects --affected --json`). */
export async function readAffectedProjects(workspaceRoot: string, base: string, head: string, run: RunFn = execRun): Promise<string[]> {
  const { stdout } = await run(nxCommand(workspaceRoot, NX_COMMANDS.affected(base, head)), { quiet: true });
  const start = stdout.indexOf('[');
  const parsed = z.array(z.string()).safeParse(start === -1 ? undefined : JSON.parse(stdout.slice(start)));
  if (!parsed.success) throw new Error(`unexpected output of "nx show projects --affected --json": ${JSON.stringify(stdout.slice(0, 200))}`);
  return parsed.data.sort();
}
