import { run as execRun, type RunFn } from '@satvach/exec';
import { parseGitOutputs, type GitOutputs } from './parse.ts';
import { GIT_ENV_KEYS, resolveRef, type GitContext, type GitEnv, type ResolveOptions } from './resolve.ts';

export interface ReadGitContextOptions extends ResolveOptions {
  /** CI variables; pass `gitEnvFromProcess()` in programs, a literal in tests. Defaults to none. */
  readonly env?: GitEnv;
}

/** The git commands behind each field of `GitOutputs`; all exit 0 in any non-empty repository. */
export const GIT_COMMANDS: Readonly<Record<keyof GitOutputs, readonly string[]>> = {
  head: ['show', '-s', '--format=%H%n%cI', 'HEAD'],
  abbrevRef: ['rev-parse', '--abbrev-ref', 'HEAD'],
  tags: ['tag', '--points-at', 'HEAD'],
  originHead: ['for-each-ref', '--format=%(symref)', 'refs/remotes/origin/HEAD'],
  status: ['status', '--porcelain', '--untracked-files=normal'],
  remotes: ['remote', '-v'],
};

/** Reads the checkout at `cwd` with git (through `run`, injectable) and applies the CI overrides in `env`. */
export async function readGitContext(cwd: string, run: RunFn = execRun, options: ReadGitContextOptions = {}): Promise<GitContext> {
  const git = async (args: readonly string[]): Promise<string> => (await run({ file: 'git', args, cwd }, { quiet: true })).stdout;
  const [head, abbrevRef, tags, originHead, status, remotes] = await Promise.all([
    git(GIT_COMMANDS.head),
    git(GIT_COMMANDS.abbrevRef),
    git(GIT_COMMANDS.tags),
    git(GIT_COMMANDS.originHead),
    git(GIT_COMMANDS.status),
    git(GIT_COMMANDS.remotes),
  ]);
  const facts = parseGitOutputs({ head, abbrevRef, tags, originHead, status, remotes });
  return resolveRef(facts, options.env ?? {}, options);
}

/** The one place that reads `process.env` for git facts: picks the CI variables `resolveRef` uses. */
export function gitEnvFromProcess(env: NodeJS.ProcessEnv = process.env): GitEnv {
  const picked: Record<string, string> = {};
  for (const key of GIT_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
