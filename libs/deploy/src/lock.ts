import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { type Logger } from '@satvach/exec';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
}

export class DeployLockedError extends Error {
  override name = 'DeployLockedError';
}

export interface DeployLock {
  readonly holder: LockHolder;
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string' && typeof holder.startedAt === 'string') {
      return { pid: holder.pid, host: holder.host, command: String(holder.command ?? ''), startedAt: holder.startedAt };
    }
  } catch {
    // An unreadable lock is reported below like any other held lock.
  }
  return undefined;
}

/**
 * Takes the deploy lock: a file created with O_EXCL, so two deploys on one host cannot both win.
 * A lock whose process is gone is only broken when asked (`breakStale`): the operator decides that the
 * dead deploy left nothing half-done.
 */
export function acquireLock(file: string, command: string, options: { breakStale?: boolean; log?: Logger } = {}): DeployLock {
  mkdirSync(dirname(file), { recursive: true });
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readHolder(file);
      if (current === undefined) {
        throw new DeployLockedError(`the deploy lock ${file} exists but cannot be read; if no deploy is running, delete it and try again`);
      }
      const where = `pid ${current.pid} on ${current.host}, "${current.command}", since ${current.startedAt}`;
      const dead = current.host === holder.host && !isRunning(current.pid);
      if (!dead) throw new DeployLockedError(`another deploy is running (${where}); wait for it to finish, or see \`nx run backend:deploy-status\``);
      if (options.breakStale !== true) {
        throw new DeployLockedError(
          `the deploy lock ${file} is held by a process that is no longer running (${where}); check \`nx run backend:deploy-status\`, then run again with --break-stale-lock`,
        );
      }
      // Renamed, not deleted: of two deploys breaking the same stale lock only one rename succeeds, so
      // the other cannot delete the lock the first has just taken.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (readHolder(aside)?.pid !== current.pid) {
        renameSync(aside, file);
        continue;
      }
      unlinkSync(aside);
      options.log?.warn(`broke the stale deploy lock of ${where}`);
      continue;
    }
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    closeSync(fd);
    return {
      holder,
      release() {
        if (readHolder(file)?.pid === holder.pid) unlinkSync(file);
      },
    };
  }
  throw new DeployLockedError(`another deploy took the lock ${file} while the stale one was being broken`);
}
