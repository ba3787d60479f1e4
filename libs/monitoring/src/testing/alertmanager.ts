// Debian's Alertmanager (0.25) on a free loopback port with a rendered config, its own data dir and
// no cluster listener: the delivery pipeline and the on-call routing tests start it the same way.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@satvach/exec/testing';
import { type RenderedAlertmanagerConfig, writeAlertmanagerFiles } from '../alertmanager.ts';
import { startServing } from './receivers.ts';

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
  const { stop } = await startServing(`Alertmanager on ${url}`, 'prometheus-alertmanager', [`--config.file=${configFile}`, `--storage.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], {
    env: rendered.environment,
    readyUrl: `${url}/-/ready`,
    cleanup: () => rmSync(data, { recursive: true, force: true }),
  });
  return { url, configFile, stop };
}
