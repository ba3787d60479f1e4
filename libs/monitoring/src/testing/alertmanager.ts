// Debian's Alertmanager (0.25) on a free loopback port with a rendered config, its own data dir and
// no cluster listener: the delivery pipeline and the on-call routing tests start it the same way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@satvach/exec/testing';
import { type RenderedAlertmanagerConfig, writeAlertmanagerFiles } from '../alertmanager.ts';
import { background } from './receivers.ts';

export interface RunningAlertmanager {
  readonly url: string;
  readonly configFile: string;
  stop(): Promise<void>;
}

/** `rendered` must have been rendered with `secretsDirOf(dir)` as its secrets dir. */
export const secretsDirOf = (dir: string) => join(dir, 'alertmanager', 'secrets');

export async function startAlertmanager(dir: string, rendered: RenderedAlertmanagerConfig): Promise<RunningAlertmanager> {
  const amDir = join(dir, 'alertmanager');
  const configFile = writeAlertmanagerFiles(amDir, rendered, secretsDirOf(dir));
  const data = mkdtempSync(join(dir, 'alertmanager-data-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = background('prometheus-alertmanager', [`--config.file=${configFile}`, `--storage.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], rendered.environment);
  const stop = async () => {
    await process.stop();
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitFor(`Alertmanager on ${url}`, async () => {
      if (process.exited()) throw new Error('exited; run it by hand with the same config to see why');
      return (await fetch(`${url}/-/ready`)).ok || undefined;
    }, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, configFile, stop };
}
