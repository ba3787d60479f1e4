import { type SinkFormat } from './sink.ts';

export interface ShipperSettings {
  /** Undefined: the project of the shipper's own container (read from the engine). */
  readonly project: string | undefined;
  readonly url: string;
  readonly format: SinkFormat;
  readonly socketPath: string;
  readonly stateDir: string;
}

/** The shipper's settings from its environment, each checked, with the variable named on error. */
export function shipperSettings(env: Readonly<Record<string, string | undefined>>): ShipperSettings {
  const project = env.SATVACH_LOGS_PROJECT;
  if (project !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`SATVACH_LOGS_PROJECT="${project}" is not a compose project name (lowercase letters, digits, _ and -)`);
  const format = (env.SATVACH_LOGS_FORMAT ?? 'jsonline') as SinkFormat;
  if (format !== 'jsonline' && format !== 'loki') throw new Error(`SATVACH_LOGS_FORMAT="${format}" must be jsonline (VictoriaLogs) or loki (Grafana Loki's push API)`);
  const url = env.SATVACH_LOGS_PUSH_URL ?? 'http://victorialogs:9428';
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new Error(`SATVACH_LOGS_PUSH_URL="${url}" is not an http(s) URL, e.g. http://victorialogs:9428`);
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`DOCKER_HOST="${host}": the shipper reads the engine over its unix socket only (unix:///var/run/docker.sock)`);
  return { project, url, format, socketPath: host.slice('unix://'.length), stateDir: env.SATVACH_LOGS_STATE_DIR ?? '/state' };
}
