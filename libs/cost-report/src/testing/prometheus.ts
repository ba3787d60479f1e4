// Test harness: Debian's Prometheus on 127.0.0.1 with a private data dir, backfilled from OpenMetrics
// text by promtool (`tsdb create-blocks-from openmetrics`), the way an operator backfills history.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, CommandStartError, run } from '@satvach/exec';
import { freePort, waitFor } from '@satvach/exec/testing';

export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

const INSTALL = 'install Debian\'s prometheus (2.42, with promtool): `apt-get install prometheus`, or `npm run setup`';

async function tool(file: string, args: string[]): Promise<string> {
  try {
    return (await run({ file, args }, { quiet: true })).stdout;
  } catch (error) {
    if (error instanceof CommandStartError) throw new Error(`${file} is not installed; ${INSTALL}`);
    throw error;
  }
}

/** Backfills `openMetrics` (ending in `# EOF`) into a fresh TSDB and serves it on a free loopback port. */
export async function startBackfilledPrometheus(openMetrics: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'satvach-prometheus-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const input = join(dir, 'samples.om');
  writeFileSync(input, openMetrics);
  const config = join(dir, 'prometheus.yml');
  // No scrape jobs: the backfilled history is all there is.
  writeFileSync(config, 'global:\n  scrape_interval: 15s\n');
  const controller = new AbortController();
  let exited = false;
  let done: Promise<void> = Promise.resolve();
  const stop = async () => {
    controller.abort();
    await done;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // promtool 2.42 re-reads the whole input for every 2 h block it writes unless blocks may be
    // longer (a hidden flag since 2.30): one pass for two months instead of ~750.
    await tool('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', '--max-block-duration=1000h', input, data]);
    rmSync(input);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    done = run(
      {
        file: 'prometheus',
        args: [
          `--config.file=${config}`,
          `--storage.tsdb.path=${data}`,
          `--web.listen-address=127.0.0.1:${port}`,
          // The history is years behind no clock; keep it, and do not spend the test's CPU compacting it.
          '--storage.tsdb.retention.time=100y',
          '--storage.tsdb.min-block-duration=2h',
          '--storage.tsdb.max-block-duration=2h',
        ],
      },
      { quiet: true, signal: controller.signal },
    ).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof CommandStartError) throw new Error(`prometheus is not installed; ${INSTALL}`);
        if (!(error instanceof CommandFailedError)) throw error;
      },
    );
    void done.then(() => (exited = true), () => (exited = true));
    await waitFor(`prometheus ready on ${url}`, async () => {
      if (exited) throw new Error('exited');
      return (await fetch(`${url}/-/ready`)).ok || undefined;
    }, 60_000, 200).catch(async (error: Error) => {
      if (exited) await done;
      throw exited ? new Error(`prometheus exited before it was ready on ${url}`) : error;
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
