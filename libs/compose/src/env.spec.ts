import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureEnvFile, GENERATED_PLACEHOLDER, loadStackEnv, STACK_ENV_KEYS, StackEnvError } from './env.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const S3_SECRETS = 'SATVACH_S3_SECRET_ACCESS_KEY=backend-secret-1\nSATVACH_BACKUP_S3_SECRET_ACCESS_KEY=backup-secret-1\nSATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY=prune-secret-1\n';
const VALID = `POSTGRES_PASSWORD=correct-horse-battery\nMINIO_ROOT_PASSWORD=minio-secret-123\n${S3_SECRETS}`;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof StackEnvError) return error.problems;
    throw error;
  }
  throw new Error('expected a StackEnvError');
}

describe('loadStackEnv', () => {
  it('applies defaults and lets the process environment win over the file', () => {
    const envFile = write('.env', `${VALID}SATVACH_HTTP_PORT=9090\n`);

    const { env, composeEnv, secrets } = loadStackEnv({ envFile, processEnv: { SATVACH_HTTP_PORT: '8181' } });

    expect(env.SATVACH_HTTP_PORT).toBe(8181);
    expect(env.POSTGRES_DB).toBe('satvach');
    expect(composeEnv.SATVACH_EDGE_RATE_BURST).toBe('40');
    expect(secrets).toEqual(['correct-horse-battery', 'minio-secret-123', 'backend-secret-1', 'backup-secret-1', 'prune-secret-1']);
    expect(env.SATVACH_S3_ACCESS_KEY_ID).toBe('satvach-backend');
    expect(env.SATVACH_BACKUP_S3_ACCESS_KEY_ID).toBe('satvach-backup');
    expect(env.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID).toBe('satvach-retention');
  });

  it('lists every missing and malformed key at once, with the expected form', () => {
    const envFile = write('.env', 'SATVACH_HTTP_PORT=eighty\nPOSTGRES_USER=Bad-User\nSATVACH_EDGE_BEHIND_TUNNEL=yes\n');

    const problems = problemsOf(() => loadStackEnv({ envFile, processEnv: {} }));

    expect(problems).toEqual(
      expect.arrayContaining([
        'POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE): missing',
        'MINIO_ROOT_PASSWORD (or MINIO_ROOT_PASSWORD_FILE): missing',
        'SATVACH_S3_SECRET_ACCESS_KEY (or SATVACH_S3_SECRET_ACCESS_KEY_FILE): missing',
        'SATVACH_BACKUP_S3_SECRET_ACCESS_KEY (or SATVACH_BACKUP_S3_SECRET_ACCESS_KEY_FILE): missing',
        'SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY (or SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY_FILE): missing',
        expect.stringMatching(/^SATVACH_HTTP_PORT: /),
        expect.stringMatching(/^POSTGRES_USER: lowercase letters/),
        'SATVACH_EDGE_BEHIND_TUNNEL: true or false',
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('reads secrets from *_FILE and never puts the value in an error', () => {
    const secretFile = write('pg-password', 'from-a-file-0123\n');
    const envFile = write('.env', `POSTGRES_PASSWORD_FILE=${secretFile}\nMINIO_ROOT_PASSWORD=short\n${S3_SECRETS}`);

    let message = '';
    try {
      loadStackEnv({ envFile, processEnv: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('MINIO_ROOT_PASSWORD (or MINIO_ROOT_PASSWORD_FILE): at least 8 characters');
    expect(message).not.toContain('short');

    writeFileSync(envFile, `POSTGRES_PASSWORD_FILE=${secretFile}\nMINIO_ROOT_PASSWORD=minio-secret-123\n${S3_SECRETS}`);
    expect(loadStackEnv({ envFile, processEnv: {} }).env.POSTGRES_PASSWORD).toBe('from-a-file-0123');
  });

  it('names an unreadable secret file and a secret given twice', () => {
    const envFile = write('.env', `${VALID}MINIO_ROOT_PASSWORD_FILE=${join(dir, 'nope')}\n`);

    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {} }))).toEqual([
      'MINIO_ROOT_PASSWORD and MINIO_ROOT_PASSWORD_FILE: set one of them, not both',
      `MINIO_ROOT_PASSWORD_FILE: cannot read ${join(dir, 'nope')}; point it at a readable file holding the secret`,
    ]);
  });

  it('requires the tunnel token only with the tunnel profile', () => {
    const envFile = write('.env', VALID);

    expect(() => loadStackEnv({ envFile, processEnv: {} })).not.toThrow();
    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {}, profiles: ['tunnel'] }))).toEqual([
      'TUNNEL_TOKEN (or TUNNEL_TOKEN_FILE): missing; the tunnel profile needs it',
    ]);
  });
});

describe('ensureEnvFile', () => {
  it('creates the env file from the example with generated secrets, readable by its owner only', () => {
    const example = write('.env.example', `A=1\nPOSTGRES_PASSWORD=${GENERATED_PLACEHOLDER}\nMINIO_ROOT_PASSWORD=${GENERATED_PLACEHOLDER}\n`);
    const envFile = join(dir, '.env');
    let n = 0;

    expect(ensureEnvFile(envFile, example, () => `generated-secret-${++n}`)).toEqual(['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD']);
    expect(readFileSync(envFile, 'utf8')).toBe('A=1\nPOSTGRES_PASSWORD=generated-secret-1\nMINIO_ROOT_PASSWORD=generated-secret-2\n');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(ensureEnvFile(envFile, example, () => 'other')).toBeNull();
  });
});

describe('the documented example', () => {
  const example = join(workspaceRoot, 'docker', '.env.example');
  const composeFiles = ['compose.yml', 'compose.dev.yml', 'compose.prod.yml', 'compose.local-images.yml', 'compose.tunnel-config.yml', 'compose.deploy.yml'].map((file) => join(workspaceRoot, 'docker', file));

  it('loads, with generated secrets, as a valid environment', () => {
    const envFile = join(dir, '.env');
    ensureEnvFile(envFile, example, () => 'generated-secret-value');

    expect(loadStackEnv({ envFile, processEnv: {} }).env.SATVACH_HTTP_PORT).toBe(8080);
  });

  it('documents every variable the compose files use, and the schema knows each', () => {
    const used = new Set(composeFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!)));
    const documented = new Set([...readFileSync(example, 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]!));

    expect([...used].filter((key) => !documented.has(key))).toEqual([]);
    expect([...used].filter((key) => !(STACK_ENV_KEYS as string[]).includes(key))).toEqual([]);
    expect([...documented].filter((key) => !(STACK_ENV_KEYS as string[]).includes(key))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });
});
