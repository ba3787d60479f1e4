// Test harness: Mailpit (built by tools/scripts/setup.sh) on 127.0.0.1 — a real SMTP server that
// checks the login against a password file, with an HTTP API to read what arrived.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, run } from '@satvach/exec';
import { freePort } from './prometheus.ts';

export interface RunningMailpit {
  readonly smtp: string;
  readonly api: string;
  stop(): Promise<void>;
}

const workspaceRoot = join(import.meta.dirname, '../../../..');

function mailpitBinary(): string {
  const setup = join(workspaceRoot, 'tools/scripts/setup.sh');
  const version = /^MAILPIT_VERSION=(\S+)$/m.exec(existsSync(setup) ? readFileSync(setup, 'utf8') : '')?.[1];
  if (version === undefined) throw new Error('tools/scripts/setup.sh has no MAILPIT_VERSION= line');
  const binary = join(process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools'), `mailpit-${version}`, 'mailpit');
  if (!existsSync(binary)) throw new Error(`Mailpit ${version} is not installed (${binary}); run \`npm run setup\` (it builds Mailpit with Go: apt-get install golang-go)`);
  return binary;
}

/** Starts Mailpit accepting only `user` / `password` over plain SMTP (loopback only). */
export async function startMailpit(user: string, password: string): Promise<RunningMailpit> {
  const binary = mailpitBinary();
  const dir = mkdtempSync(join(tmpdir(), 'satvach-mailpit-'));
  const authFile = join(dir, 'smtp-auth');
  writeFileSync(authFile, `${user}:${password}\n`, { mode: 0o600 });
  const [smtpPort, apiPort] = [await freePort(), await freePort()];
  const controller = new AbortController();
  let exited = false;
  const done = run(
    {
      file: binary,
      args: ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${apiPort}`, '--database', join(dir, 'mailpit.db'), '--smtp-auth-file', authFile, '--smtp-auth-allow-insecure', '--disable-version-check'],
    },
    { quiet: true, signal: controller.signal },
  ).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof CommandFailedError)) throw error;
    },
  );
  void done.then(() => (exited = true), () => (exited = true));
  const stop = async () => {
    controller.abort();
    await done;
    rmSync(dir, { recursive: true, force: true });
  };
  const api = `http://127.0.0.1:${apiPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error('mailpit exited before it was ready');
    }
    const ready = await fetch(`${api}/readyz`).then((response) => response.ok, () => false);
    if (ready) return { smtp: `127.0.0.1:${smtpPort}`, api, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mailpit was not ready on ${api} within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
