import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { acquireLock, DeployLockedError } from './lock.ts';

const lockFile = () => join(mkdtempSync(join(tmpdir(), 'deploy-lock-')), 'deploy.lock');

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  return Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$" ']).toString().trim());
}

describe('deploy lock', () => {
  it('is exclusive while held and free again once released', () => {
    const file = lockFile();
    const lock = acquireLock(file, 'deploy --image=a');
    expect(() => acquireLock(file, 'deploy --image=b')).toThrow(DeployLockedError);
    expect(() => acquireLock(file, 'deploy --image=b')).toThrow(new RegExp(`another deploy is running \\(pid ${process.pid} on .*"deploy --image=a"`));
    lock.release();
    expect(existsSync(file)).toBe(false);
    acquireLock(file, 'deploy --image=b').release();
  });

  it('a live holder is never overridden, not even with breakStale', () => {
    const file = lockFile();
    const lock = acquireLock(file, 'deploy');
    const held = readFileSync(file, 'utf8');
    expect(() => acquireLock(file, 'rollback', { breakStale: true })).toThrow(/another deploy is running/);
    // The file still names the live holder, byte for byte.
    expect(readFileSync(file, 'utf8')).toBe(held);
    expect(JSON.parse(held)).toMatchObject({ pid: process.pid, command: 'deploy' });
    lock.release();
  });

  it('a lock of a dead process is named as such, and broken only when asked', () => {
    const file = lockFile();
    const pid = deadPid();
    writeFileSync(file, JSON.stringify({ pid, host: hostname(), command: 'deploy --image=old', startedAt: '2026-11-28T10:00:00.000Z' }));
    expect(() => acquireLock(file, 'deploy')).toThrow(new RegExp(`held by a process that is no longer running \\(pid ${pid} .*--break-stale-lock`));
    const lines: string[] = [];
    const lock = acquireLock(file, 'deploy', { breakStale: true, log: { ...silentLogger, warn: (line) => lines.push(line) } });
    expect(lines.join('\n')).toContain(`broke the stale deploy lock of pid ${pid}`);
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('an unreadable lock file is reported, not overwritten', () => {
    const file = lockFile();
    writeFileSync(file, 'garbage');
    expect(() => acquireLock(file, 'deploy', { breakStale: true })).toThrow(/exists but cannot be read/);
    expect(existsSync(file)).toBe(true);
  });
});
