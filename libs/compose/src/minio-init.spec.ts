import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { run } from '@satvach/exec';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// docker/minio/init.sh, run by a POSIX sh with an `mc` on PATH that records every call (argv and
// stdin) and answers like mc. The real mc/MinIO cannot be installed on our machines; what MinIO then
// enforces is proven against moto in libs/backup (policies.spec.ts). What this shows is the script's own
// contract: the policies it sends, that no secret is ever in an argv, and that a refused policy stops
// the job naming the policy and the bucket.

const script = join(workspaceRoot, 'docker/minio/init.sh');
const SECRETS = { backend: 'backend-secret-123', writer: 'writer-secret-456', retention: 'retention-secret-789', monitor: 'monitor-secret-321', root: 'root-password-000' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minio-init-'));
  // The fake mc: one line per call (its argv), stdin and policy files kept; `mc stat` of the backups bucket says it does not exist yet;
  // policy create fails when its name is $REFUSE_POLICY, as MinIO does for a malformed policy.
  writeFileSync(
    join(dir, 'mc'),
    `#!/bin/sh
n=$(($(cat "$MC_LOG.count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$MC_LOG.count"
printf '%s\\n' "$*" >>"$MC_LOG"
case "$*" in
  "admin user add "*) cat >"$MC_LOG.stdin.$n" ;;
  "admin policy create "*) cp "$6" "$MC_LOG.policy.$5" ;;
esac
case "$*" in
  stat*) exit 1 ;;
  "admin policy create satvach $REFUSE_POLICY "*) echo "mc: <ERROR> Unable to create new policy: policy has invalid resource" >&2; exit 1 ;;
esac
exit 0
`,
  );
  chmodSync(join(dir, 'mc'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function initJob(extraEnv: Record<string, string> = {}) {
  const log = join(dir, 'mc.log');
  const result = await run(
    {
      file: 'sh',
      args: [script],
      env: {
        PATH: `${dir}:${process.env.PATH ?? ''}`,
        MC_LOG: log,
        MC_HOST_satvach: `http://satvach:${SECRETS.root}@minio:9000`,
        SATVACH_S3_BUCKET: 'my-photos',
        SATVACH_BACKUP_S3_BUCKET: 'my-backups',
        SATVACH_S3_ACCESS_KEY_ID: 'satvach-backend',
        SATVACH_S3_SECRET_ACCESS_KEY: SECRETS.backend,
        SATVACH_BACKUP_S3_ACCESS_KEY_ID: 'satvach-backup',
        SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: SECRETS.writer,
        SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: 'satvach-retention',
        SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: SECRETS.retention,
        SATVACH_MINIO_MONITOR_ACCESS_KEY_ID: 'satvach-monitor',
        SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY: SECRETS.monitor,
        TMPDIR: dir,
        ...extraEnv,
      },
    },
    { quiet: true },
  ).then(
    (ok) => ({ ok: true, output: ok.stdout + ok.stderr }),
    (error: Error) => ({ ok: false, output: error.message }),
  );
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line, index) => {
      const argv = line.split(' ');
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
      return { argv, stdin: read(`${log}.stdin.${index + 1}`).trim(), policy: argv[2] === 'create' ? read(`${log}.policy.${argv[4]}`) : '' };
    });
  return { ...result, calls };
}

describe('the MinIO init job (docker/minio/init.sh)', () => {
  it('creates the buckets (backups with object lock, versioned) and one user per service with its bucket-scoped policy', async () => {
    const { ok, calls } = await initJob();
    expect(ok).toBe(true);
    expect(calls.map((call) => call.argv.slice(0, 3).join(' '))).toEqual([
      'mb --ignore-existing satvach/my-photos',
      'stat satvach/my-backups',
      'mb --with-lock satvach/my-backups',
      'version enable satvach/my-backups',
      'admin policy create', 'admin user add', 'admin policy attach',
      'admin policy create', 'admin user add', 'admin policy attach',
      'admin policy create', 'admin user add', 'admin policy attach',
      'admin policy create', 'admin user add', 'admin policy attach',
    ]);
    const policies = calls.filter((call) => call.argv[1] === 'policy' && call.argv[2] === 'create');
    expect(policies.map((call) => call.argv[4])).toEqual(['satvach-backend', 'satvach-backup-writer', 'satvach-backup-retention', 'satvach-monitoring']);
    const resources = policies.map((call) => (JSON.parse(call.policy) as { Statement: { Resource: string[] }[] }).Statement.flatMap((statement) => statement.Resource));
    expect(resources).toEqual([
      ['arn:aws:s3:::my-photos', 'arn:aws:s3:::my-photos/*'],
      ['arn:aws:s3:::my-backups', 'arn:aws:s3:::my-backups/*'],
      ['arn:aws:s3:::my-backups', 'arn:aws:s3:::my-backups/*'],
      ['arn:minio:admin:::*'],
    ]);
    // Prometheus's identity reads MinIO's metrics and nothing else: no S3 action, no other admin action.
    const monitoring = JSON.parse(policies[3]?.policy ?? '{}') as { Statement: { Action: string[] }[] };
    expect(monitoring.Statement.flatMap((statement) => statement.Action)).toEqual(['admin:Prometheus']);
    const users = calls.filter((call) => call.argv[1] === 'user');
    expect(users.map((call) => [call.argv[4], call.stdin])).toEqual([
      ['satvach-backend', SECRETS.backend],
      ['satvach-backup', SECRETS.writer],
      ['satvach-retention', SECRETS.retention],
      ['satvach-monitor', SECRETS.monitor],
    ]);
    expect(calls.filter((call) => call.argv[2] === 'attach').map((call) => call.argv.slice(3))).toEqual([
      ['satvach', 'satvach-backend', '--user', 'satvach-backend'],
      ['satvach', 'satvach-backup-writer', '--user', 'satvach-backup'],
      ['satvach', 'satvach-backup-retention', '--user', 'satvach-retention'],
      ['satvach', 'satvach-monitoring', '--user', 'satvach-monitor'],
    ]);
  });

  it('never puts a secret in an argv (root password in MC_HOST_satvach, user secrets on stdin)', async () => {
    const { calls, output } = await initJob();
    const argvs = calls.map((call) => call.argv.join(' ')).join('\n');
    for (const value of Object.values(SECRETS)) {
      expect(argvs).not.toContain(value);
      expect(output).not.toContain(value);
    }
  });

  it('a policy MinIO refuses fails the job, naming the policy and the bucket, before any later identity', async () => {
    const { ok, output, calls } = await initJob({ REFUSE_POLICY: 'satvach-backup-writer' });
    expect(ok).toBe(false);
    expect(output).toContain('minio-init: MinIO rejected policy satvach-backup-writer for bucket my-backups: mc: <ERROR> Unable to create new policy');
    expect(calls.some((call) => call.argv.includes('satvach-retention'))).toBe(false);
  });

  it('is the minio-init service of docker/compose.yml, which the backend waits for', () => {
    const compose = parse(readFileSync(join(workspaceRoot, 'docker/compose.yml'), 'utf8')) as {
      services: Record<string, { entrypoint?: string[]; volumes?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
    };
    const init = compose.services['minio-init'];
    expect(init?.entrypoint).toEqual(['/bin/sh', '/satvach/minio/init.sh']);
    expect(init?.volumes).toEqual(['./minio:/satvach/minio:ro']);
    expect(Object.keys(init?.environment ?? {}).filter((key) => key.startsWith('MINIO_ROOT'))).toEqual([]);
    expect(compose.services.backend?.depends_on?.['minio-init']).toEqual({ condition: 'service_completed_successfully' });
    // Only minio and its init job see the root user.
    const rootUsers = Object.entries(compose.services)
      .filter(([, service]) => JSON.stringify(service.environment ?? {}).includes('MINIO_ROOT'))
      .map(([name]) => name);
    expect(rootUsers.sort()).toEqual(['minio', 'minio-init']);
  });
});
