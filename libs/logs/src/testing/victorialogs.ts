// Test harness: a real VictoriaLogs (the binary tools/scripts/setup.sh builds) on loopback, with a
// data dir of its own; it can be stopped and started again on the same port and data.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '@satvach/exec';
import { freePort } from '@satvach/exec/testing';

export const VICTORIA_LOGS_VERSION = 'v1.52.1';

export function victoriaLogsBinary(): string {
  const binary =
    process.env.SATVACH_VICTORIA_LOGS_BIN ??
    join(process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools'), `victoria-logs-${VICTORIA_LOGS_VERSION}`, 'victoria-logs');
  if (!existsSync(binary)) {
    throw new Error(`VictoriaLogs ${VICTORIA_LOGS_VERSION} is missing at ${binary}: run \`npm run setup\` (it builds it with Go), or set SATVACH_VICTORIA_LOGS_BIN`);
  }
  return binary;
}

export interface VictoriaLogs {
  readonly url: string;
  readonly dataDir: string;
  /** The server's process id while it runs (for RSS/CPU readings). */
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Makes everything ingested so far visible to queries (VictoriaLogs buffers for up to a second). */
  flush(): Promise<void>;
  query(logsql: string): Promise<Record<string, string>[]>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export async function startVictoriaLogs(extraArgs: readonly string[] = []): Promise<VictoriaLogs> {
  const binary = victoriaLogsBinary();
  const dataDir = mkdtempSync(join(tmpdir(), 'satvach-victorialogs-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let current: { controller: AbortController; done: Promise<unknown>; pid?: number } | undefined;

  const start = async () => {
    const controller = new AbortController();
    const done = run(
      { file: binary, args: [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-retentionPeriod=100y', '-loggerLevel=WARN', ...extraArgs] },
      { quiet: true, signal: controller.signal },
    ).catch((error: unknown) => error);
    current = { controller, done };
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      const settled = await Promise.race([done.then(() => true), sleep(100).then(() => false)]);
      if (settled) throw new Error(`VictoriaLogs exited at start: ${String(await done)}`);
    }
    throw new Error(`VictoriaLogs did not answer ${url}/health within 10 s`);
  };
  const stop = async () => {
    current?.controller.abort();
    await current?.done;
    current = undefined;
  };
  await start();
  const pidOf = async () => {
    const { stdout } = await run({ file: 'pgrep', args: ['-f', `httpListenAddr=127.0.0.1:${port}`] }, { quiet: true });
    return Number(stdout.trim().split('\n')[0]);
  };
  let pid = await pidOf();
  return {
    url,
    dataDir,
    pid: () => (current ? pid : undefined),
    stop,
    async start() {
      await start();
      pid = await pidOf();
    },
    async flush() {
      const response = await fetch(`${url}/internal/force_flush`);
      if (!response.ok) throw new Error(`force_flush: HTTP ${response.status}`);
    },
    async query(logsql) {
      const response = await fetch(`${url}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query: logsql }) });
      const text = await response.text();
      if (!response.ok) throw new Error(`query ${logsql}: HTTP ${response.status}: ${text}`);
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
    },
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
