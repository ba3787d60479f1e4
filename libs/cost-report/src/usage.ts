import { type Month } from './month.ts';
import { type PrometheusClient, PrometheusError, type Sample } from './prometheus.ts';

/** Units: GB = 10^9 bytes; hours and months are the report month's own (28–31 days). */
export interface ResourceUsage {
  readonly cpuCoreHours: number;
  readonly memoryGbHours: number;
  readonly diskGbMonths: number;
  readonly egressGb: number;
}

export interface HostUsage extends ResourceUsage {
  /** What the host offered: cores × hours, memory × hours, disk size averaged over the month. */
  readonly capacity: Omit<ResourceUsage, 'egressGb'>;
}

export interface ObjectStorageUsage {
  readonly storageGbMonths: number;
  readonly egressGb: number;
}

export interface MonthUsage {
  readonly month: Month;
  readonly services: Readonly<Record<string, ResourceUsage>>;
  /** Undefined when Prometheus holds no node-exporter samples for the month. */
  readonly host: HostUsage | undefined;
  /** Undefined when Prometheus holds no MinIO usage samples for the month. */
  readonly objectStorage: ObjectStorageUsage | undefined;
}

export interface UsageOptions {
  /** The compose project: containers are named `<project>-<service>-<n>` (compose v2) or `<project>_<service>_<n>` (v1). */
  readonly project?: string;
  /** Resolution of the time integrals of gauges (memory, disk), in seconds. */
  readonly stepSeconds?: number;
}

export const USAGE_DEFAULTS = { project: 'satvach', stepSeconds: 60 } as const;

const FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|nsfs|fuse.lxcfs"';
const HOST_INTERFACES = 'device!~"lo|veth.*|docker.*|br-.*|virbr.*"';

export interface UsageQueries {
  /** Every query is evaluated at the month's last millisecond (see `usageQueries`). */
  readonly timeMs: number;
  readonly services: Readonly<Record<keyof ResourceUsage, string>>;
  readonly host: Readonly<Record<keyof ResourceUsage | 'cpuCapacity' | 'memoryCapacity' | 'diskCapacity', string>>;
  readonly objectStorage: Readonly<Record<keyof ObjectStorageUsage, string>>;
}

/**
 * The PromQL for one month, as data. The month's bounds: each query is evaluated at end − 1 ms over
 * a window of exactly the month's length (28–31 days, in seconds), so it sees the samples of
 * [start, end) and a sample at the first instant of the next month counts for that month only
 * (Prometheus 2 closes range windows on both ends, 3 opens them on the left; both give [start, end) here).
 * Counters (CPU seconds, bytes sent) go through `increase()`, which adds a counter's value before each
 * reset (a restarted process) and extrapolates at most one scrape interval at the window's edges.
 * Gauges (memory, disk) are integrated over time with a subquery at a fixed step, so a service that
 * ran half the month counts half the month (avg_over_time × hours would count it for the whole month),
 * independent of the scrape interval.
 */
export function usageQueries(month: Month, options: UsageOptions = {}): UsageQueries {
  const project = options.project ?? USAGE_DEFAULTS.project;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`project "${project}" is not a compose project name (lowercase letters, digits, - and _)`);
  const step = options.stepSeconds ?? USAGE_DEFAULTS.stepSeconds;
  if (!Number.isInteger(step) || step <= 0 || step > 3600) throw new Error(`stepSeconds ${step}: give whole seconds between 1 and 3600`);
  const seconds = month.lengthMs / 1000;
  const range = `[${seconds}s]`;
  const subquery = `[${seconds}s:${step}s]`;
  const gbHours = `(${step} / 3600 / 1e9)`;
  const gbMonths = `(${step} / ${seconds} / 1e9)`;
  const containers = `{name=~"${project}[-_].+[-_][0-9]+"}`;
  const byService = (expr: string) => `sum by (service) (label_replace(${expr}, "service", "$1", "name", "${project}[-_](.+)[-_][0-9]+"))`;
  const usedDisk = `node_filesystem_size_bytes{${FILESYSTEMS}} - node_filesystem_free_bytes{${FILESYSTEMS}}`;
  return {
    timeMs: month.endMs - 1,
    services: {
      cpuCoreHours: `${byService(`increase(container_cpu_usage_seconds_total${containers}${range})`)} / 3600`,
      memoryGbHours: `${byService(`sum_over_time(container_memory_working_set_bytes${containers}${subquery})`)} * ${gbHours}`,
      diskGbMonths: `${byService(`sum_over_time(container_fs_usage_bytes${containers}${subquery})`)} * ${gbMonths}`,
      egressGb: `${byService(`increase(container_network_transmit_bytes_total${containers}${range})`)} / 1e9`,
    },
    host: {
      cpuCoreHours: `sum(increase(node_cpu_seconds_total{mode!~"idle|iowait|steal"}${range})) / 3600`,
      cpuCapacity: `sum_over_time(count(node_cpu_seconds_total{mode="idle"})${subquery}) * (${step} / 3600)`,
      memoryGbHours: `sum_over_time(sum(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)${subquery}) * ${gbHours}`,
      memoryCapacity: `sum_over_time(sum(node_memory_MemTotal_bytes)${subquery}) * ${gbHours}`,
      // A device mounted twice (bind mounts) counts once.
      diskGbMonths: `sum_over_time(sum(max by (instance, device) (${usedDisk}))${subquery}) * ${gbMonths}`,
      diskCapacity: `sum_over_time(sum(max by (instance, device) (node_filesystem_size_bytes{${FILESYSTEMS}}))${subquery}) * ${gbMonths}`,
      egressGb: `sum(increase(node_network_transmit_bytes_total{${HOST_INTERFACES}}${range})) / 1e9`,
    },
    objectStorage: {
      storageGbMonths: `sum_over_time(sum(minio_bucket_usage_total_bytes)${subquery}) * ${gbMonths}`,
      egressGb: `sum(increase(minio_s3_traffic_sent_bytes${range})) / 1e9`,
    },
  };
}

const scalar = (samples: Sample[]): number | undefined => samples[0]?.value;

/** Reads one month's usage from Prometheus. */
export async function collectUsage(client: PrometheusClient, month: Month, options: UsageOptions = {}): Promise<MonthUsage> {
  const queries = usageQueries(month, options);
  const ask = (query: string) => client.instant(query, queries.timeMs);
  const [cpu, memory, disk, egress] = await Promise.all([queries.services.cpuCoreHours, queries.services.memoryGbHours, queries.services.diskGbMonths, queries.services.egressGb].map(ask)) as [Sample[], Sample[], Sample[], Sample[]];
  const services: Record<string, ResourceUsage> = {};
  const names = new Set([cpu, memory, disk, egress].flatMap((samples) => samples.map((sample) => sample.labels.service ?? '')));
  const valueFor = (samples: Sample[], service: string) => samples.find((sample) => sample.labels.service === service)?.value ?? 0;
  for (const name of [...names].filter(Boolean).sort()) {
    services[name] = { cpuCoreHours: valueFor(cpu, name), memoryGbHours: valueFor(memory, name), diskGbMonths: valueFor(disk, name), egressGb: valueFor(egress, name) };
  }
  const host = await Promise.all(Object.values(queries.host).map(async (query) => scalar(await ask(query))));
  const [hostCpu, cpuCapacity, hostMemory, memoryCapacity, hostDisk, diskCapacity, hostEgress] = host;
  const storage = await Promise.all(Object.values(queries.objectStorage).map(async (query) => scalar(await ask(query))));
  return {
    month,
    services,
    host:
      hostCpu === undefined
        ? undefined
        : {
            cpuCoreHours: hostCpu,
            memoryGbHours: hostMemory ?? 0,
            diskGbMonths: hostDisk ?? 0,
            egressGb: hostEgress ?? 0,
            capacity: { cpuCoreHours: cpuCapacity ?? 0, memoryGbHours: memoryCapacity ?? 0, diskGbMonths: diskCapacity ?? 0 },
          },
    objectStorage: storage[0] === undefined ? undefined : { storageGbMonths: storage[0], egressGb: storage[1] ?? 0 },
  };
}

/** The report month must have host data; an empty month is a wrong month or a Prometheus without the node job. */
export function requireHost(usage: MonthUsage, url: string): HostUsage {
  if (usage.host === undefined) {
    throw new PrometheusError(`Prometheus at ${url} has no node-exporter samples (node_cpu_seconds_total) for ${usage.month.id}; check the month, the retention (--storage.tsdb.retention.time) and that the node job is scraped`);
  }
  return usage.host;
}
