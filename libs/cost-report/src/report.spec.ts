// The report against a real Prometheus (Debian's 2.42) backfilled by promtool with two synthetic
// months. Every expectation below is computed here from the generated samples, not by the library:
// counters as the sum of sample-to-sample increases (a drop is a restart from 0), gauges as the sum of
// sample × scrape interval. The shapes make the usual mistakes visible: October has 31 days (a fixed
// [30d] window loses 3 %), backend restarts mid-November (a reset-blind delta is far off), backup starts
// mid-November (avg_over_time × hours doubles its memory), and the days just outside the two months
// run at 3× (counters) and 20× (gauges), so a window one sample too wide moves the totals.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTSIDE_CONTAINERS } from './cost.ts';
import { smtpSettingsFrom } from './email.ts';
import { type Month } from './month.ts';
import { costReport, type CostReportResult } from './report.ts';
import { startMailpit } from '@satvach/monitoring/testing';
import { freePort } from '@satvach/exec/testing';
import { startBackfilledPrometheus, type RunningPrometheus } from './testing/prometheus.ts';
import { NOV, NOW, OCT, PLANS, PRICES, STEP_MS, syntheticHistory } from './testing/scenario.ts';
import { type Series } from './testing/synthetic.ts';

// --- expectations from the samples ---------------------------------------------------------------

/** Σ of sample-to-sample increases inside [start, end]; a drop means the counter restarted from 0. */
function increase(series: Series, month: Month): number {
  let sum = 0;
  const samples = series.samples.filter(([t]) => t >= month.startMs && t <= month.endMs);
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1]![1];
    const after = samples[i]![1];
    sum += after >= before ? after - before : after;
  }
  return sum;
}

/** ∫ value dt over [start, end) in value·seconds: each sample stands until the next one. */
function integral(series: Series, month: Month): number {
  return series.samples.filter(([t]) => t >= month.startMs && t < month.endMs).reduce((sum, [, value]) => sum + value * (STEP_MS / 1000), 0);
}

interface Expected {
  services: Record<string, { cpuCoreHours: number; memoryGbHours: number; diskGbMonths: number; egressGb: number }>;
  host: { cpuCoreHours: number; memoryGbHours: number; diskGbMonths: number; egressGb: number; cpuCapacity: number; memoryCapacity: number; diskCapacity: number };
  storage: { storageGbMonths: number; egressGb: number };
}

function expected(all: Series[], month: Month): Expected {
  const find = (metric: string, match: Record<string, string>) => all.filter((s) => s.spec.metric === metric && Object.entries(match).every(([key, value]) => s.spec.labels[key] === value));
  const seconds = month.lengthMs / 1000;
  const services = Object.fromEntries(
    PLANS.map((plan) => [
      plan.service,
      {
        cpuCoreHours: find('container_cpu_usage_seconds_total', { name: plan.name }).reduce((sum, s) => sum + increase(s, month), 0) / 3600,
        memoryGbHours: find('container_memory_working_set_bytes', { name: plan.name }).reduce((sum, s) => sum + integral(s, month), 0) / 3600 / 1e9,
        diskGbMonths: find('container_fs_usage_bytes', { name: plan.name }).reduce((sum, s) => sum + integral(s, month), 0) / seconds / 1e9,
        egressGb: find('container_network_transmit_bytes_total', { name: plan.name }).reduce((sum, s) => sum + increase(s, month), 0) / 1e9,
      },
    ]),
  );
  const one = (metric: string, match: Record<string, string>) => find(metric, match)[0]!;
  const difference = (a: Series, b: Series): Series => ({ spec: a.spec, samples: a.samples.map(([t, value], index) => [t, value - b.samples[index]![1]] as const) });
  const rootFs = { mountpoint: '/' };
  return {
    services,
    host: {
      cpuCoreHours: [...find('node_cpu_seconds_total', { mode: 'user' }), ...find('node_cpu_seconds_total', { mode: 'system' })].reduce((sum, s) => sum + increase(s, month), 0) / 3600,
      cpuCapacity: month.hours * 2,
      memoryGbHours: integral(difference(one('node_memory_MemTotal_bytes', {}), one('node_memory_MemAvailable_bytes', {})), month) / 3600 / 1e9,
      memoryCapacity: (64e9 * month.hours) / 1e9,
      diskGbMonths: integral(difference(one('node_filesystem_size_bytes', rootFs), one('node_filesystem_free_bytes', rootFs)), month) / seconds / 1e9,
      diskCapacity: 500,
      egressGb: increase(one('node_network_transmit_bytes_total', { device: 'eth0' }), month) / 1e9,
    },
    storage: {
      storageGbMonths: find('minio_bucket_usage_total_bytes', {}).reduce((sum, s) => sum + integral(s, month), 0) / seconds / 1e9,
      egressGb: increase(one('minio_s3_traffic_sent_bytes', {}), month) / 1e9,
    },
  };
}


/** The bill as the README describes it: each pool shared by use over the host's use. */
function expectedCosts(e: Expected): { services: Record<string, number>; outside: number; storage: number; total: number } {
  const pools = { cpu: 40 * 0.5, memory: 40 * 0.35, disk: 40 * 0.15, egress: Math.max(0, e.host.egressGb - 100) * 0.01 };
  const services = Object.fromEntries(
    Object.entries(e.services).map(([service, use]) => [
      service,
      (pools.cpu * use.cpuCoreHours) / e.host.cpuCoreHours + (pools.memory * use.memoryGbHours) / e.host.memoryGbHours + (pools.disk * use.diskGbMonths) / e.host.diskGbMonths + (pools.egress * use.egressGb) / e.host.egressGb,
    ]),
  );
  const hostBill = pools.cpu + pools.memory + pools.disk + pools.egress;
  const storage = e.storage.storageGbMonths * 0.02 + e.storage.egressGb * 0.01;
  return { services, outside: hostBill - Object.values(services).reduce((a, b) => a + b, 0), storage, total: hostBill + storage };
}

function close(actual: number | undefined, wanted: number, relative: number, what: string): void {
  expect(actual, what).toBeDefined();
  const error = Math.abs((actual as number) - wanted) / Math.max(Math.abs(wanted), 1e-12);
  expect(error, `${what}: ${actual} vs ${wanted}`).toBeLessThan(relative);
}

// increase() extrapolates the last scrape interval at the window's edge by the average rate:
// at most a 5-minute interval of 15–31 days (< 0.05 %). Gauges integrate exactly.
const COUNTER_TOLERANCE = 5e-4;
const GAUGE_TOLERANCE = 1e-9;

let prometheus: RunningPrometheus;
let all: Series[];
let dir: string;
let pricesFile: string;
let result: CostReportResult;

beforeAll(async () => {
  const history = syntheticHistory();
  all = history.series;
  prometheus = await startBackfilledPrometheus(history.openMetrics);
  dir = mkdtempSync(join(tmpdir(), 'satvach-cost-report-'));
  pricesFile = join(dir, 'prices.json');
  writeFileSync(pricesFile, JSON.stringify(PRICES));
  result = await costReport({ month: '2026-11', prometheusUrl: prometheus.url, pricesFile, outputDir: join(dir, 'out'), now: NOW });
});

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cost report on a backfilled Prometheus', () => {
  it.each([
    ['2026-11 (30 days, backend restarts, backup starts mid-month)', () => result.report.current, NOV],
    ['2026-10 (31 days, the previous month)', () => result.report.previous!, OCT],
  ] as const)('per-service usage of %s equals the samples\' totals', (_title, cost, month) => {
    const e = expected(all, month);
    const rows = new Map(cost().rows.map((row) => [row.service, row.usage]));
    for (const [service, use] of Object.entries(e.services)) {
      const got = rows.get(service);
      if (month === OCT && service === 'backup') {
        expect(got, 'backup did not run in October').toBeUndefined();
        continue;
      }
      close(got?.cpuCoreHours, use.cpuCoreHours, COUNTER_TOLERANCE, `${month.id} ${service} CPU core-hours`);
      close(got?.egressGb, use.egressGb, COUNTER_TOLERANCE, `${month.id} ${service} egress GB`);
      close(got?.memoryGbHours, use.memoryGbHours, GAUGE_TOLERANCE, `${month.id} ${service} memory GB-hours`);
      close(got?.diskGbMonths, use.diskGbMonths, GAUGE_TOLERANCE, `${month.id} ${service} disk GB-months`);
    }
    // Only the stack's services: neither cAdvisor's root cgroup nor another project's containers.
    expect([...rows.keys()].sort()).toEqual([...Object.keys(e.services).filter((s) => month === NOV || s !== 'backup'), OUTSIDE_CONTAINERS].sort());
  });

  it.each([
    ['2026-11', () => result.report.current, NOV],
    ['2026-10', () => result.report.previous!, OCT],
  ] as const)('host and object-storage usage of %s equal the samples\' totals', (_title, cost, month) => {
    const e = expected(all, month);
    const { host, objectStorage } = cost();
    close(host.cpuCoreHours, e.host.cpuCoreHours, COUNTER_TOLERANCE, 'host CPU core-hours (user + system)');
    close(host.egressGb, e.host.egressGb, COUNTER_TOLERANCE, 'host egress GB (eth0, not lo)');
    close(host.memoryGbHours, e.host.memoryGbHours, GAUGE_TOLERANCE, 'host memory GB-hours');
    close(host.diskGbMonths, e.host.diskGbMonths, GAUGE_TOLERANCE, 'host disk GB-months (/dev/sda1 once, no tmpfs)');
    close(host.capacity.cpuCoreHours, e.host.cpuCapacity, GAUGE_TOLERANCE, 'host CPU capacity');
    close(host.capacity.memoryGbHours, e.host.memoryCapacity, GAUGE_TOLERANCE, 'host memory capacity');
    close(host.capacity.diskGbMonths, e.host.diskCapacity, GAUGE_TOLERANCE, 'host disk capacity');
    close(objectStorage.usage?.storageGbMonths, e.storage.storageGbMonths, GAUGE_TOLERANCE, 'object storage GB-months');
    close(objectStorage.usage?.egressGb, e.storage.egressGb, COUNTER_TOLERANCE, 'object storage egress GB');
  });

  it('shares the bill by use: each service\'s cost, the host\'s own row, object storage and the total', () => {
    for (const [cost, month] of [[result.report.current, NOV], [result.report.previous!, OCT]] as const) {
      const wanted = expectedCosts(expected(all, month));
      for (const row of cost.rows) {
        const target = row.service === OUTSIDE_CONTAINERS ? wanted.outside : wanted.services[row.service];
        close(row.cost.total, target ?? Number.NaN, 1e-3, `${month.id} ${row.service} cost`);
      }
      close(cost.objectStorage.cost, wanted.storage, 1e-3, `${month.id} object storage cost`);
      close(cost.total, wanted.total, 1e-6, `${month.id} total`);
      expect(cost.rows.reduce((sum, row) => sum + row.cost.total, 0) + cost.objectStorage.cost).toBeCloseTo(cost.total, 9);
    }
  });

  it('the Markdown table holds each service\'s usage, cost, share and change, and the total', () => {
    const markdown = readFileSync(join(dir, 'out', 'cost-report-2026-11.md'), 'utf8');
    expect(markdown).toBe(result.markdown);
    const lines = markdown.split('\n');
    const header = lines.indexOf('| Service | CPU core-h | Memory GB-h | Disk GB-months | Egress GB | Cost (EUR) | Share | 2026-10 (EUR) | Change |');
    expect(header).toBeGreaterThan(0);
    const table = new Map<string, string[]>();
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      table.set(cells[0]!, cells);
    }
    const num = (cell: string | undefined) => Number((cell ?? '').replace(/,/g, '').replace(/\*\*/g, ''));
    const now = expected(all, NOV);
    const costs = expectedCosts(now);
    const before = expectedCosts(expected(all, OCT));
    for (const [service, use] of Object.entries(now.services)) {
      const cells = table.get(service);
      expect(cells, `row for ${service}`).toBeDefined();
      expect(num(cells![1])).toBeCloseTo(use.cpuCoreHours, 1);
      expect(num(cells![2])).toBeCloseTo(use.memoryGbHours, 1);
      expect(num(cells![3])).toBeCloseTo(use.diskGbMonths, 2);
      expect(num(cells![4])).toBeCloseTo(use.egressGb, 2);
      expect(num(cells![5])).toBeCloseTo(costs.services[service]!, 1);
      expect(num(cells![6]!.replace(' %', ''))).toBeCloseTo((costs.services[service]! / costs.total) * 100, 0);
    }
    expect(table.get('backup')?.[7]).toBe('—');
    expect(table.get('backup')?.[8]).toBe(`+${costs.services.backup!.toFixed(2)} EUR (new)`);
    expect(num(table.get('backend')?.[7])).toBeCloseTo(before.services.backend!, 1);
    expect(table.get('backend')?.[8]).toMatch(/^\+\d+\.\d\d EUR \(\+\d+\.\d %\)$/);
    expect(num(table.get(OUTSIDE_CONTAINERS)?.[5])).toBeCloseTo(costs.outside, 1);
    expect(num(table.get('object storage')?.[5])).toBeCloseTo(costs.storage, 1);
    expect(num(table.get('**total**')?.[5])).toBeCloseTo(costs.total, 1);
    expect(num(table.get('**total**')?.[7])).toBeCloseTo(before.total, 1);
    expect(markdown).toContain(`**Total: ${costs.total.toFixed(2)} EUR**; 2026-10: ${before.total.toFixed(2)} EUR`);
    // Top growth, largest increase first, from the independent costs.
    const growth = Object.keys(costs.services).map((s) => [s, costs.services[s]! - (before.services[s] ?? 0)] as const).filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
    const listed = lines.slice(lines.indexOf('## Top growth') + 2).filter((line) => /^\d+\. /.test(line)).map((line) => /^\d+\. ([^:]+):/.exec(line)?.[1]);
    expect(listed.slice(0, growth.length)).toEqual(growth.map(([s]) => s));
  });

  it('the HTML page is self-contained: inline SVG charts, nothing fetched from anywhere', () => {
    const html = readFileSync(join(dir, 'out', 'cost-report-2026-11.html'), 'utf8');
    expect(html).toBe(result.html);
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).not.toMatch(/\b(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/i);
    // The only URL is the Prometheus address, as text.
    expect(new Set([...html.matchAll(/https?:\/\/[^\s<"']+/g)].map((m) => m[0]))).toEqual(new Set([prometheus.url]));
    for (const service of ['backend', 'db', 'edge', 'backup']) expect(html).toContain(`>${service}</text>`);
  });

  it('writes both files and leaves no temporary file behind', () => {
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['cost-report-2026-11.html', 'cost-report-2026-11.md']);
    expect(result.files).toEqual([join(dir, 'out', 'cost-report-2026-11.md'), join(dir, 'out', 'cost-report-2026-11.html')]);
  });
});

describe('cost report: bad input fails clearly and writes nothing', () => {
  const request = () => ({ prometheusUrl: prometheus.url, pricesFile, outputDir: join(dir, 'bad-out'), now: NOW });

  it('a malformed month', async () => {
    await expect(costReport({ ...request(), month: '2026-13' })).rejects.toThrow('month "2026-13" is not a month; give it as YYYY-MM, e.g. 2026-11');
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('a month Prometheus holds nothing for', async () => {
    await expect(costReport({ ...request(), month: '2026-06' })).rejects.toThrow(`Prometheus at ${prometheus.url} has no node-exporter samples (node_cpu_seconds_total) for 2026-06`);
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('a prices.json without a key names the key and the file', async () => {
    const broken = join(dir, 'broken-prices.json');
    writeFileSync(broken, JSON.stringify({ ...PRICES, currency: undefined }));
    await expect(costReport({ ...request(), month: '2026-11', pricesFile: broken })).rejects.toThrow(`${broken} is not a valid price table (see libs/cost-report/README.md):\n  - currency: missing`);
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('an unreachable Prometheus', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(costReport({ ...request(), month: '2026-11', prometheusUrl: closed })).rejects.toThrow(`Prometheus at ${closed} is unreachable (ECONNREFUSED); start it (nx run stack:up --profiles=monitoring) or pass --prometheusUrl`);
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });
});

describe('cost report: email through a real SMTP server (Mailpit)', () => {
  const user = 'reporter';
  const password = 'smtp-Secret-4711';
  const env = (smtp: string, pass = password) =>
    smtpSettingsFrom(
      {
        SATVACH_ALERT_SMTP_HOST: smtp,
        SATVACH_ALERT_SMTP_USER: user,
        SATVACH_ALERT_SMTP_PASSWORD: pass,
        SATVACH_ALERT_SMTP_REQUIRE_TLS: 'false',
        SATVACH_ALERT_EMAIL_FROM: 'satvach@example.test',
        SATVACH_ALERT_EMAIL_TO: 'ops@example.test, finance@example.test',
      },
      'the test env',
    );

  it('arrives with the HTML page as the body, the Markdown as the text part, and the page attached', async () => {
    const mailpit = await startMailpit({ user, password });
    try {
      const sent = await costReport({ month: '2026-11', prometheusUrl: prometheus.url, pricesFile, outputDir: join(dir, 'mail-out'), now: NOW, smtp: env(mailpit.smtpHost) });
      const list = (await (await fetch(`${mailpit.api}/api/v1/messages`)).json()) as { messages: { ID: string; Subject: string; To: { Address: string }[]; From: { Address: string } }[] };
      expect(list.messages).toHaveLength(1);
      const [summary] = list.messages;
      const { current, previous, total } = sent.report;
      expect(summary!.Subject).toBe(`SatVach cost report 2026-11: ${current.total.toFixed(2)} EUR (+${total.delta.toFixed(2)} vs ${previous!.month.id})`);
      expect(summary!.From.Address).toBe('satvach@example.test');
      expect(summary!.To.map((to) => to.Address).sort()).toEqual(['finance@example.test', 'ops@example.test']);
      const message = (await (await fetch(`${mailpit.api}/api/v1/message/${summary!.ID}`)).json()) as { Text: string; HTML: string; Attachments: { FileName: string; ContentType: string }[] };
      // SMTP carries CRLF line ends.
      const lf = (text: string) => text.replace(/\r\n/g, '\n').trim();
      expect(lf(message.Text)).toBe(sent.markdown.trim());
      expect(lf(message.HTML)).toBe(sent.html.trim());
      expect(message.HTML.match(/<svg /g)?.length).toBe(3);
      expect(message.Attachments.map((a) => [a.FileName, a.ContentType.split(';')[0]])).toEqual([['cost-report-2026-11.html', 'text/html']]);
    } finally {
      await mailpit.stop();
    }
  });

  it('a wrong password is refused by the server and the error names the server, never the password', async () => {
    const mailpit = await startMailpit({ user, password });
    try {
      const wrong = 'wrong-Secret-0815';
      const failure = await costReport({ month: '2026-11', prometheusUrl: prometheus.url, pricesFile, outputDir: join(dir, 'mail-out-2'), now: NOW, smtp: env(mailpit.smtpHost, wrong) }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(new RegExp(`^cannot email the cost report through ${mailpit.smtpHost.replace(/\./g, '\\.')}: .*(auth|Auth|535)`));
      expect(failure?.message).not.toContain(wrong);
      const list = (await (await fetch(`${mailpit.api}/api/v1/messages`)).json()) as { messages: unknown[] };
      expect(list.messages).toHaveLength(0);
    } finally {
      await mailpit.stop();
    }
  });

  it('an unreachable SMTP server fails clearly', async () => {
    const smtp = `127.0.0.1:${await freePort()}`;
    await expect(costReport({ month: '2026-11', prometheusUrl: prometheus.url, pricesFile, outputDir: join(dir, 'mail-out-3'), now: NOW, smtp: env(smtp) })).rejects.toThrow(
      new RegExp(`^cannot email the cost report through ${smtp.replace(/\./g, '\\.')}: .*ECONNREFUSED`),
    );
  });
});
