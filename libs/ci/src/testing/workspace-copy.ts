import { appendFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '@satvach/exec';

/** Fixed identity and no user/system config: commits in a copy do not depend on the machine. */
export const COPY_GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Workspace Copy',
  GIT_AUTHOR_EMAIL: 'copy@example.test',
  GIT_COMMITTER_NAME: 'Workspace Copy',
  GIT_COMMITTER_EMAIL: 'copy@example.test',
} as const;

/** A throwaway git repository holding this workspace's files, with real commits. */
export interface WorkspaceCopy {
  readonly root: string;
  git(...args: string[]): Promise<string>;
  /** Appends a line to each file (creating it when missing), commits, returns the new HEAD sha. */
  commitTouching(...files: string[]): Promise<string>;
  /** Writes each file's content, commits, returns the new HEAD sha. */
  commitFiles(files: Record<string, string>, message?: string): Promise<string>;
  remove(): Promise<void>;
}

/**
 * Copies the files `git ls-files -co --exclude-standard` lists (tracked and untracked, not ignored)
 * into a temp dir, symlinks node_modules, and commits everything as `main`. Nx and git then see the
 * real workspace with a history the test controls.
 */
export async function createWorkspaceCopy(workspaceRoot: string, prefix = 'satvach-copy-'): Promise<WorkspaceCopy> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const git = async (...args: string[]) =>
    (await run({ file: 'git', args, cwd: root, env: COPY_GIT_ENV }, { quiet: true })).stdout.trim();
  const commit = async (message: string) => {
    await git('add', '-A');
    await git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };

  const { stdout } = await run({ file: 'git', args: ['ls-files', '-co', '--exclude-standard', '-z'], cwd: workspaceRoot }, { quiet: true });
  const files = stdout.split('\0').filter((file) => file !== '' && file !== 'node_modules' && !file.startsWith('node_modules/'));
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    // A file listed by git but deleted in the work tree is simply not copied.
    await cp(join(workspaceRoot, file), join(root, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await symlink(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  await git('init', '-q', '-b', 'main');
  await commit('base');

  return {
    root,
    git,
    async commitTouching(...paths) {
      for (const file of paths) {
        await mkdir(dirname(join(root, file)), { recursive: true });
        await appendFile(join(root, file), '\n');
      }
      return commit(`touch ${paths.join(' ')}`);
    },
    async commitFiles(contents, message = 'change files') {
      for (const [file, content] of Object.entries(contents)) {
        await mkdir(dirname(join(root, file)), { recursive: true });
        await writeFile(join(root, file), content);
      }
      return commit(message);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
