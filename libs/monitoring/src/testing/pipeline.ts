// The whole alerting path with real parts on 127.0.0.1: PostgreSQL (the backend's devtools, through
// libs/backup's harness) → Debian's postgres_exporter → Debian's Prometheus with the REAL rule files
// (5 s scrape, 1 s evaluation) → Debian's Alertmanager with the REAL rendered config → Mailpit, a
// Slack-format receiver and moto's SNS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secret } from '@satvach/exec';
import { type Services, startServices } from '@satvach/backup/testing';
import { freePort, waitFor } from '@satvach/exec/testing';
import { stringify } from 'yaml';
import { renderAlertmanagerConfig } from '../alertmanager.ts';
import { secretsDirOf, startAlertmanager } from './alertmanager.ts';
import { RULES_DIR, yamlFiles } from '../rules.ts';
import { background, type Background } from './receivers.ts';
import { alertEnvFor, type AlertSinks, startAlertSinks } from './sinks.ts';

export interface Pipeline {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly sinks: AlertSinks;
  readonly services: Services;
  /** The alert env the Alertmanager config was rendered from. */
  readonly alertEnv: Readonly<Record<string, string>>;
  /** An instant PromQL query's result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  /** Replaces SATVACH_ALERT_* values, e.g. an SMTP host nobody listens on. */
  readonly alertEnv?: (sinks: AlertSinks) => Record<string, string>;
}

/**
 * The test Prometheus config: the real rules, 1 s evaluation, the exporter and Alertmanager scraped.
 * Scrapes stay at 5 s: with PostgreSQL down, postgres_exporter 0.11 takes 1.5-4 s to answer, and a
 * shorter scrape_timeout turns pg_up = 0 into a failed scrape (no pg_up at all, so no DatabaseDown).
 */
export function testPrometheusConfig(ports: { alertmanager: number; exporter: number }, ruleFiles: readonly string[]): string {
  return stringify({
    global: { scrape_interval: '5s', scrape_timeout: '5s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${ports.alertmanager}`] }] }] },
    scrape_configs: [
      { job_name: 'postgres', static_configs: [{ targets: [`127.0.0.1:${ports.exporter}`], labels: { service: 'postgres-exporter' } }] },
      { job_name: 'alertmanager', static_configs: [{ targets: [`127.0.0.1:${ports.alertmanager}`], labels: { service: 'alertmanager' } }] },
    ],
  });
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const root = mkdtempSync(join(tmpdir(), 'satvach-alerting-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(root, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  const started = (process: Background) => cleanups.push(process.stop);
  try {
    const services = await startServices();
    cleanups.push(services.down);
    const sinks = await startAlertSinks();
    cleanups.push(sinks.stop);

    const exporterPort = await freePort();
    const databaseUrl = `${services.env().SATVACH_BACKUP_DATABASE_URL}?sslmode=disable`;
    started(background('prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${exporterPort}`, '--disable-settings-metrics'], { DATA_SOURCE_NAME: secret(databaseUrl) }));

    const alertEnv = { ...alertEnvFor(sinks), ...options.alertEnv?.(sinks) };
    const am = await startAlertmanager(root, renderAlertmanagerConfig(alertEnv, { secretsDir: secretsDirOf(root) }));
    cleanups.push(am.stop);
    const alertmanager = am.url;
    const amPort = Number(new URL(alertmanager).port);

    const promPort = await freePort();
    const promConfig = join(root, 'prometheus.yml');
    writeFileSync(promConfig, testPrometheusConfig({ alertmanager: amPort, exporter: exporterPort }, yamlFiles(RULES_DIR)));
    const prometheus = `http://127.0.0.1:${promPort}`;
    started(background('prometheus', [`--config.file=${promConfig}`, `--storage.tsdb.path=${join(root, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=5s']));

    const query = async (expr: string) => {
      const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };
      if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error}`);
      return body.data.result;
    };
    // Prometheus drops alerts until it has discovered Alertmanager; and pg_up must be seen as 1 first.
    await waitFor(`Prometheus on ${prometheus} to discover Alertmanager`, async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
      return body.data.activeAlertmanagers.some((am) => am.url.startsWith(alertmanager)) || undefined;
    }, 60_000);
    await waitFor('pg_up == 1 in Prometheus', async () => ((await query('pg_up{job="postgres"} == 1')).length > 0 ? true : undefined), 60_000);
    return { prometheus, alertmanager, sinks, services, alertEnv, query, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** An alert posted straight to Alertmanager's API (as Prometheus would), for inhibition checks. */
export async function postAlert(alertmanager: string, labels: Record<string, string>, annotations: Record<string, string> = {}, endsAt?: string): Promise<void> {
  const alert = { labels, annotations, startsAt: new Date().toISOString(), ...(endsAt ? { endsAt } : {}) };
  const response = await fetch(`${alertmanager}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) });
  if (!response.ok) throw new Error(`Alertmanager refused the alert: HTTP ${response.status} ${await response.text()}`);
}

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export async function alertmanagerAlerts(alertmanager: string): Promise<AlertmanagerAlert[]> {
  return (await (await fetch(`${alertmanager}/api/v2/alerts`)).json()) as AlertmanagerAlert[];
}
