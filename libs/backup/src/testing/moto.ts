// Test harness: moto in server mode on 127.0.0.1, an S3 server that enforces per-identity IAM policies
// (s3rver checks no credentials; MinIO cannot be installed on our machines; SeaweedFS publishes no semver
// versions on the Go module proxy). Provisioned like docker/minio/init.sh — same policy files — while
// moto still lets requests through unauthenticated, then switched to checking every request.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, pollUntil, run } from '@satvach/exec';
import { workspaceRoot } from './services.ts';
import { freePort } from '@satvach/exec/testing';

export const POLICY_DIR = join(workspaceRoot, 'docker/minio/policies');
/** The identities of docker/minio/init.sh: policy file name → what it may do. */
export const IDENTITIES = ['satvach-backend', 'satvach-backup-writer', 'satvach-backup-retention'] as const;
export type Identity = (typeof IDENTITIES)[number] | 'admin';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface MotoPlan {
  readonly buckets: readonly { name: string; versioning?: boolean }[];
  /** Each identity gets the policy file `<policy>.json` rendered for `bucket`; `admin` gets s3:* (test inspection only). */
  readonly identities: readonly { name: string; policy: string; bucket: string }[];
}

export interface MotoServer {
  readonly endpoint: string;
  readonly keys: Readonly<Record<string, Keys>>;
  /** Stops the server (SIGTERM) and waits for it: the "unreachable target" fault. */
  stop(): Promise<void>;
}

/** The pinned moto version, read from tools/scripts/setup-moto.sh (one source). */
export function motoVersion(): string {
  const version = /^MOTO_VERSION=(\S+)$/m.exec(readFileSync(join(workspaceRoot, 'tools/scripts/setup-moto.sh'), 'utf8'))?.[1];
  if (version === undefined) throw new Error('tools/scripts/setup-moto.sh has no MOTO_VERSION= line');
  return version;
}

function motoDir(): string {
  const dir = join(process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools'), `moto-${motoVersion()}`);
  if (!existsSync(join(dir, '.satvach-installed'))) {
    throw new Error(`moto ${motoVersion()} is not installed in ${dir}: run \`bash tools/scripts/setup-moto.sh\` (or \`npm run setup\`); it needs python3 with venv and PyPI`);
  }
  return dir;
}

async function waitReady(endpoint: string, exited: () => boolean): Promise<void> {
  const answered = await pollUntil(async () => {
    if (exited()) throw new Error(`moto_server exited before it answered on ${endpoint}`);
    // The moto API answers without touching the auth counter.
    return (await fetch(`${endpoint}/moto-api/data.json`).then((response) => response.ok, () => false)) || undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 });
  if (!answered) throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
}

/** Starts moto on a free port of 127.0.0.1, provisions `plan`, then turns authentication on. */
export async function startMoto(plan: MotoPlan): Promise<MotoServer> {
  const dir = motoDir();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const controller = new AbortController();
  let exited = false;
  const done = run({ file: join(dir, 'bin/moto_server'), args: ['-H', '127.0.0.1', '-p', String(port)] }, { quiet: true, signal: controller.signal }).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof CommandFailedError)) throw error;
    },
  );
  void done.finally(() => (exited = true));
  const stop = async () => {
    controller.abort();
    await done;
  };
  try {
    await waitReady(endpoint, () => exited);
    const identities = plan.identities.map((identity) => ({ ...identity, policy: identity.policy === 'admin' ? join(import.meta.dirname, 'admin-policy.json') : join(POLICY_DIR, `${identity.policy}.json`) }));
    const setup = await run({ file: join(dir, 'bin/python'), args: [join(import.meta.dirname, 'moto_setup.py'), endpoint, JSON.stringify({ buckets: plan.buckets, identities })] }, { quiet: true });
    const keys = JSON.parse(setup.stdout) as Record<string, Keys>;
    // From here on moto checks every request's signature and the caller's policies.
    const reset = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    if (!reset.ok) throw new Error(`moto refused to turn authentication on: HTTP ${reset.status}`);
    return { endpoint, keys, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
