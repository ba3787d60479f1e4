import { parse } from 'yaml';
import type { Invocation } from './argv.ts';

/**
 * `docker compose up -d` keeps a container whose definition did not change, so config that stack:up
 * re-renders (Alertmanager's receivers and the rotation's routes, Prometheus' targets) or that the repo
 * holds (Prometheus' rules) reaches a running service only when it reloads. Both reload on SIGHUP,
 * which needs no lifecycle API exposed; each reports the reload in its own metrics.
 */
export interface ReloadTarget {
  service: string;
  /** Where the service reads its config inside the container (its `--config.file`). */
  configFile: string;
  /** Its web port inside the container (its `--web.listen-address`). */
  port: number;
  /** `<prefix>_config_last_reload_successful` and `…_success_timestamp_seconds`. */
  metricPrefix: string;
  /** The tool in the image that says why a config does not load. */
  check: (configFile: string) => string[];
}

const RELOADABLE: readonly ReloadTarget[] = [
  { service: 'prometheus', configFile: '/etc/prometheus/prometheus.yml', port: 9090, metricPrefix: 'prometheus', check: (file) => ['promtool', 'check', 'config', file] },
  { service: 'alertmanager', configFile: '/etc/alertmanager/alertmanager.yml', port: 9093, metricPrefix: 'alertmanager', check: (file) => ['amtool', 'check-config', file] },
];

const flag = (command: unknown, name: string): string | undefined =>
  (Array.isArray(command) ? command.map(String) : []).find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

/** The reloadable services this rendered compose config runs, with the config file and port its command gives (the image's defaults otherwise). */
export function reloadTargets(renderedConfig: string, running: readonly string[]): ReloadTarget[] {
  const services = (parse(renderedConfig) as { services?: Record<string, { command?: unknown }> }).services ?? {};
  return RELOADABLE.filter((target) => running.includes(target.service) && services[target.service]).map((target) => {
    const command = services[target.service]?.command;
    const port = /:(\d+)$/.exec(flag(command, 'web.listen-address') ?? '')?.[1];
    return { ...target, configFile: flag(command, 'config.file') ?? target.configFile, port: port ? Number(port) : target.port };
  });
}

export const reloadSignalArgv = (docker: string, containerId: string): Invocation => ({ file: docker, args: ['kill', '--signal', 'HUP', containerId] });

/** Read from inside the container (its images carry wget for the healthcheck): no port need be published. */
export const reloadMetricsArgv = (docker: string, containerId: string, target: ReloadTarget): Invocation => ({
  file: docker,
  args: ['exec', containerId, 'wget', '-q', '-O', '-', `http://127.0.0.1:${target.port}/metrics`],
});

export const configCheckArgv = (docker: string, containerId: string, target: ReloadTarget): Invocation => ({ file: docker, args: ['exec', containerId, ...target.check(target.configFile)] });

export interface ReloadMetrics {
  successful: number;
  /** Seconds since the epoch, fractional: two reloads within a second still differ. */
  lastSuccess: number;
}

/** The two reload metrics from a /metrics page, or undefined when either is missing. */
export function parseReloadMetrics(metrics: string, metricPrefix: string): ReloadMetrics | undefined {
  const value = (name: string) => {
    const line = metrics.split('\n').find((entry) => entry.startsWith(`${metricPrefix}_${name} `));
    return line === undefined ? undefined : Number(line.slice(line.indexOf(' ') + 1).trim());
  };
  const successful = value('config_last_reload_successful');
  const lastSuccess = value('config_last_reload_success_timestamp_seconds');
  return successful === undefined || lastSuccess === undefined ? undefined : { successful, lastSuccess };
}

/**
 * Whether the reload asked for after `before` took: a success later than the last one; a failure
 * once the success flag drops. Undefined while neither has happened yet.
 */
export function reloadOutcome(before: ReloadMetrics, now: ReloadMetrics): 'reloaded' | 'failed' | undefined {
  if (now.successful === 1 && now.lastSuccess > before.lastSuccess) return 'reloaded';
  if (now.successful === 0 && before.successful === 1) return 'failed';
  return undefined;
}
