import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CommandFailedError, run } from '@satvach/exec';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpCommand } from './postgres.ts';
import { startServices, type Services, workspaceRoot } from './testing/services.ts';

// Failures with real secrets present, against the real PostgreSQL and S3 server: whatever fails, no
// password or secret key may reach an error message, a logged command or the tool's output.

let services: Services;
let dbPassword: string;

const cli = join(workspaceRoot, 'libs/backup/src/cli.ts');

/** Runs the backup tool as the backup container does, and returns everything it printed. */
async function backupTool(env: Record<string, string>): Promise<{ exitCode: number; output: string }> {
  const result = await execa(process.execPath, [cli, 'backup', '--no-prune'], { env: { ...env, NO_COLOR: '1' }, extendEnv: false, all: true, reject: false });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

beforeAll(async () => {
  services = await startServices();
  dbPassword = decodeURIComponent(new URL(services.env().SATVACH_BACKUP_DATABASE_URL ?? '').password);
  expect(dbPassword.length).toBeGreaterThan(8);
});

afterAll(async () => {
  await services?.down();
});

describe('secrets in failures', () => {
  it('a pg_dump that fails (invalid snapshot) shows the password nowhere, its command shows PGPASSWORD=***', async () => {
    const config = services.config();
    const failure = await run(dumpCommand(config.database, '00000003-0000001B-1'), { quiet: true }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CommandFailedError);
    const error = failure as CommandFailedError;
    expect(error.stderr).toMatch(/snapshot/i);
    expect(error.command).toContain('PGPASSWORD=***');
    expect([error.message, error.command, error.stdout, error.stderr].join('\n')).not.toContain(dbPassword);
  });

  it('the backup tool failing on a rejected database password prints neither that password nor the S3 secret', async () => {
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    const s3Secret = `s3-${randomBytes(12).toString('hex')}`;
    const env = services.env({ SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: s3Secret });
    const url = new URL(env.SATVACH_BACKUP_DATABASE_URL ?? '');
    url.password = wrongPassword;

    const { exitCode, output } = await backupTool({ ...env, SATVACH_BACKUP_DATABASE_URL: url.toString() });

    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/password|rejected/i);
    expect(output).not.toContain(wrongPassword);
    expect(output).not.toContain(s3Secret);
  });

  it('the backup tool failing on S3 (a bucket that does not exist) prints neither the S3 secret nor the database password', async () => {
    const s3Secret = `s3-${randomBytes(12).toString('hex')}`;
    const env = services.env({ SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: s3Secret, SATVACH_BACKUP_S3_BUCKET: `missing-${randomBytes(4).toString('hex')}` });

    const { exitCode, output } = await backupTool(env);

    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/missing-[0-9a-f]{8}/);
    expect(output).not.toContain(s3Secret);
    expect(output).not.toContain(dbPassword);
  });
});
