// The log shipper's process (compose service `logs-shipper`, profile `logging`): follows every
// container of the compose project through the Docker engine API and ships their lines to
// VictoriaLogs (or Loki). Settings come from the environment; see docker/logging/README.md.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CursorFile } from './cursor.ts';
import { composeProjectOf, dockerEngine, ownContainerId } from './docker-api.ts';
import { ship } from './shipper.ts';
import { shipperSettings } from './settings.ts';

const log = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ timestamp: new Date().toISOString(), logger: 'satvach.logs_shipper', ...event })}\n`);

let settings;
try {
  settings = shipperSettings(process.env);
} catch (error) {
  log({ level: 'error', event: 'bad_settings', error: (error as Error).message });
  process.exit(2);
}
// Its own compose project, so two stacks on one engine (dev and e2e) each ship only their own logs.
const ownId = ownContainerId(readFileSync('/proc/self/mountinfo', 'utf8'));
if (settings.project === undefined && ownId === undefined) {
  log({ level: 'error', event: 'bad_settings', error: 'not running in a Docker container: set SATVACH_LOGS_PROJECT to the compose project to follow' });
  process.exit(2);
}
const project = settings.project ?? (await composeProjectOf(settings.socketPath, ownId as string));
const heartbeat = join(settings.stateDir, 'heartbeat');
writeFileSync(heartbeat, '');
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());
log({ level: 'info', event: 'shipping', project, url: settings.url, format: settings.format });
await ship({
  source: dockerEngine(settings.socketPath, project),
  cursors: new CursorFile(join(settings.stateDir, 'cursors.json')),
  format: settings.format,
  url: settings.url,
  signal: controller.signal,
  log,
  onAlive: () => {
    const now = new Date();
    utimesSync(heartbeat, now, now);
  },
});
log({ level: 'info', event: 'stopped' });
// Idle keep-alive sockets to the store would hold the process for a while after SIGTERM.
process.exit(0);
