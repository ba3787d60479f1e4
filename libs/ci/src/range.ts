import { CommandFailedError, run as execRun, type RunFn } from '@satvach/exec';
import { readGitContext } from '@satvach/git-context';

/** What `base..head` compares, after every fallback; `notes` say which fallbacks were taken and why. */
export type ResolvedRange =
  | {
      readonly mode: 'diff';
      readonly requestedBase: string;
      /** The commit compared against: the requested base, or the merge-base it fell back to. */
      readonly base: string;
      readonly head: string;
      readonly notes: readonly string[];
    }
  | {
      readonly mode: 'all';
      readonly requestedBase: string | null;
      readonly head: string;
      /** Why no comparison is possible, phrased as "rebuilding every image: …". */
      readonly reason: string;
      readonly notes: readonly string[];
    };

export interface RangeRequest {
  /** A commit, branch or tag; null when the caller has no base (e.g. no earlier successful CD run). */
  readonly base: string | null;
  readonly head: string;
  readonly workspaceRoot: string;
  /** Why `base` is null, for the message. */
  readonly noBaseReason?: string;
}

const SHA = /^[0-9a-f]{7,64}$/i;
const short = (sha: string) => sha.slice(0, 12);

/** The git commands range resolution runs, as data (argv without `git`). */
export const RANGE_COMMANDS = {
  verify: (rev: string) => ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`],
  isShallow: ['rev-parse', '--is-shallow-repository'],
  isAncestor: (base: string, head: string) => ['merge-base', '--is-ancestor', base, head],
  mergeBase: (base: string, head: string) => ['merge-base', base, head],
  diff: (base: string, head: string) => ['diff', '--name-only', '--no-renames', '-z', base, head],
} as const;

/** Runs git; a non-zero exit is an answer (null), not an error. Other failures (git missing) throw. */
async function gitAnswer(run: RunFn, cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return (await run({ file: 'git', args, cwd }, { quiet: true })).stdout.trim();
  } catch (error) {
    if (error instanceof CommandFailedError && error.reason === 'exit') return null;
    throw error;
  }
}

/**
 * Resolves `base..head` to two commits, never silently:
 * - head must be a commit (else it throws: there is nothing to build);
 * - a detached HEAD is normal in CI and only noted;
 * - a base that is not a commit here: `origin/<base>` is tried for branch names (a detached CI checkout
 *   often has no local branch), else every image is rebuilt — in a shallow clone the message says to
 *   fetch the full history;
 * - a base that is not an ancestor of head (force-push, a branch off another line): their merge-base
 *   is used, and without one every image is rebuilt.
 */
export async function resolveRange(request: RangeRequest, run: RunFn = execRun): Promise<ResolvedRange> {
  const cwd = request.workspaceRoot;
  const git = (args: readonly string[]) => gitAnswer(run, cwd, args);
  const notes: string[] = [];

  const head = await git(RANGE_COMMANDS.verify(request.head));
  if (head === null || head === '') throw new Error(`head "${request.head}" is not a commit in ${cwd}; pass --head=<sha or ref>`);
  if (request.head === 'HEAD') {
    const context = await readGitContext(cwd, run);
    if (context.branch === null) notes.push(`HEAD is detached at ${short(head)}; using that commit as head`);
  }

  const shallow = (await git(RANGE_COMMANDS.isShallow)) === 'true';
  if (shallow) notes.push('this clone is shallow; commits before its depth are unknown (CI: actions/checkout with fetch-depth: 0)');

  const all = (reason: string): ResolvedRange => ({ mode: 'all', requestedBase: request.base, head, reason: `rebuilding every image: ${reason}`, notes });

  if (request.base === null || request.base.trim() === '') {
    return all(request.noBaseReason ?? 'no base commit was given');
  }
  const requestedBase = request.base.trim();

  let base = await git(RANGE_COMMANDS.verify(requestedBase));
  if (base === null && !SHA.test(requestedBase) && !requestedBase.startsWith('origin/')) {
    base = await git(RANGE_COMMANDS.verify(`origin/${requestedBase}`));
    if (base !== null) notes.push(`base "${requestedBase}" is not a local branch or tag; using origin/${requestedBase} (${short(base)})`);
  }
  if (base === null) {
    return all(
      shallow
        ? `base "${requestedBase}" is not in this shallow clone; fetch the full history (actions/checkout fetch-depth: 0, or git fetch --unshallow)`
        : `base "${requestedBase}" is not a commit in this repository (unknown sha, or a branch that was never fetched)`,
    );
  }

  if (base === head) {
    notes.push(`base and head are the same commit ${short(head)}: nothing changed`);
    return { mode: 'diff', requestedBase, base, head, notes };
  }
  if ((await git(RANGE_COMMANDS.isAncestor(base, head))) !== null) {
    return { mode: 'diff', requestedBase, base, head, notes };
  }
  const mergeBase = await git(RANGE_COMMANDS.mergeBase(base, head));
  if (mergeBase === null || mergeBase === '') {
    return all(
      shallow
        ? `base ${short(base)} is not an ancestor of head ${short(head)} and this shallow clone holds no common ancestor; fetch the full history`
        : `base ${short(base)} and head ${short(head)} share no history (no merge-base)`,
    );
  }
  notes.push(`base ${short(base)} is not an ancestor of head ${short(head)}; falling back to their merge-base ${short(mergeBase)}`);
  return { mode: 'diff', requestedBase, base: mergeBase, head, notes };
}

/** Files that differ between two commits, as git names them (paths relative to the repository root). */
export async function changedFiles(workspaceRoot: string, base: string, head: string, run: RunFn = execRun): Promise<string[]> {
  const { stdout } = await run({ file: 'git', args: RANGE_COMMANDS.diff(base, head), cwd: workspaceRoot }, { quiet: true });
  return stdout.split('\0').filter((file) => file !== '').sort();
}
