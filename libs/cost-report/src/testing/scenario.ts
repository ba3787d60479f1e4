// The synthetic two months of the report tests (libs/cost-report and the stack:cost-report executor):
// a few services and the host, with shapes that make mistakes visible. October has 31 days (a fixed
// [30d] window loses 3 %), backend restarts mid-November (a reset-blind delta is far off), backup
// starts mid-November (avg_over_time × hours doubles its memory), and the days just outside the two
// months run at 3× (counters) and 20× (gauges), so a window one sample too wide moves the totals.
import { parseMonth } from '../month.ts';
import { generate, openMetrics, type Series, type SeriesSpec } from './synthetic.ts';

export const OCT = parseMonth('2026-10');
export const NOV = parseMonth('2026-11');
export const STEP_MS = 300_000;
const DAY_MS = 86_400_000;
const HISTORY = { startMs: Date.parse('2026-09-30T00:00:00Z'), endMs: Date.parse('2026-12-01T06:00:00Z') };
export const NOW = new Date('2026-12-02T06:00:00Z');
const BACKEND_RESTART = Date.parse('2026-11-12T13:37:00Z');
const BACKUP_START = Date.parse('2026-11-16T00:00:00Z');

const outside = (t: number) => t < OCT.startMs || t >= NOV.endMs;
const inNov = (t: number) => t >= NOV.startMs;
const counterRate = (oct: number, nov: number) => (t: number) => (inNov(t) ? nov : oct) * (outside(t) ? 3 : 1);
const gaugeValue = (oct: number, nov: number) => (t: number) => (inNov(t) ? nov : oct) * (outside(t) ? 20 : 1);

export interface ServicePlan {
  service: string;
  name: string;
  cpu: [number, number];
  memory: [number, number];
  disk: (t: number) => number;
  egress: [number, number];
  fromMs?: number;
  resetsMs?: number[];
}

export const PLANS: ServicePlan[] = [
  { service: 'backend', name: 'satvach-backend-1', cpu: [0.3, 0.45], memory: [300e6, 450e6], disk: gaugeValue(1.2e9, 1.2e9), egress: [50e3, 80e3], resetsMs: [BACKEND_RESTART] },
  { service: 'db', name: 'satvach-db-1', cpu: [0.15, 0.2], memory: [1.0e9, 1.1e9], disk: (t) => (5e9 + ((t - OCT.startMs) / DAY_MS) * 0.05e9) * (outside(t) ? 20 : 1), egress: [5e3, 5e3] },
  // docker-compose 1.29 names containers with underscores.
  { service: 'edge', name: 'satvach_edge_1', cpu: [0.05, 0.08], memory: [50e6, 60e6], disk: gaugeValue(0.1e9, 0.1e9), egress: [100e3, 150e3] },
  { service: 'backup', name: 'satvach-backup-1', cpu: [0.2, 0.2], memory: [200e6, 200e6], disk: gaugeValue(0.5e9, 0.5e9), egress: [20e3, 20e3], fromMs: BACKUP_START },
];

function cadvisor(plan: { name: string; id: string }, extra: Record<string, string> = {}) {
  return { name: plan.name, id: plan.id, image: 'img', instance: 'cadvisor:8088', job: 'cadvisor', service: 'cadvisor', ...extra };
}

function specs(): SeriesSpec[] {
  const list: SeriesSpec[] = [];
  for (const plan of PLANS) {
    const labels = cadvisor({ name: plan.name, id: `/docker/${plan.service}` });
    const common = { fromMs: plan.fromMs };
    list.push({ metric: 'container_cpu_usage_seconds_total', labels: { ...labels, cpu: 'total' }, counter: counterRate(...plan.cpu), resetsMs: plan.resetsMs, ...common });
    list.push({ metric: 'container_memory_working_set_bytes', labels, gauge: gaugeValue(...plan.memory), ...common });
    list.push({ metric: 'container_fs_usage_bytes', labels: { ...labels, device: '/dev/sda1' }, gauge: plan.disk, ...common });
    list.push({ metric: 'container_network_transmit_bytes_total', labels: { ...labels, interface: 'eth0' }, counter: counterRate(...plan.egress), resetsMs: plan.resetsMs, ...common });
  }
  // Not the stack's: cAdvisor's root cgroup and another compose project.
  for (const other of [{ name: '', id: '/' }, { name: 'otherproj-web-1', id: '/docker/other' }]) {
    list.push({ metric: 'container_cpu_usage_seconds_total', labels: { ...cadvisor(other), cpu: 'total' }, counter: () => 0.1 });
    list.push({ metric: 'container_memory_working_set_bytes', labels: cadvisor(other), gauge: () => 2e9 });
  }
  // The host: 2 CPUs; the stack's containers plus 0.1 cores of its own (and 0.1 of otherproj) and some iowait.
  const containersCpu = (t: number) => PLANS.reduce((sum, plan) => sum + (t >= (plan.fromMs ?? 0) ? counterRate(...plan.cpu)(t) : 0), 0);
  const used = (t: number) => containersCpu(t) + 0.2;
  const node = { instance: 'host:9100', job: 'node', service: 'node-exporter' };
  for (const cpu of ['0', '1']) {
    list.push({ metric: 'node_cpu_seconds_total', labels: { ...node, cpu, mode: 'user' }, counter: (t) => (used(t) / 2) * 0.7 });
    list.push({ metric: 'node_cpu_seconds_total', labels: { ...node, cpu, mode: 'system' }, counter: (t) => (used(t) / 2) * 0.3 });
    list.push({ metric: 'node_cpu_seconds_total', labels: { ...node, cpu, mode: 'iowait' }, counter: () => 0.05 });
    list.push({ metric: 'node_cpu_seconds_total', labels: { ...node, cpu, mode: 'idle' }, counter: (t) => Math.max(0, 1 - used(t) / 2 - 0.05) });
  }
  const containersMemory = (t: number) => PLANS.reduce((sum, plan) => sum + (t >= (plan.fromMs ?? 0) ? gaugeValue(...plan.memory)(t) : 0), 0);
  list.push({ metric: 'node_memory_MemTotal_bytes', labels: node, gauge: () => 64e9 });
  list.push({ metric: 'node_memory_MemAvailable_bytes', labels: node, gauge: (t) => 64e9 - containersMemory(t) - 3e9 });
  const containersDisk = (t: number) => PLANS.reduce((sum, plan) => sum + (t >= (plan.fromMs ?? 0) ? plan.disk(t) : 0), 0);
  // The root filesystem is also bind-mounted (counted once); tmpfs does not count.
  for (const mountpoint of ['/', '/etc/hosts']) {
    const fs = { ...node, device: '/dev/sda1', fstype: 'ext4', mountpoint };
    list.push({ metric: 'node_filesystem_size_bytes', labels: fs, gauge: () => 500e9 });
    list.push({ metric: 'node_filesystem_free_bytes', labels: fs, gauge: (t) => 500e9 - containersDisk(t) - 20e9 });
  }
  const tmpfs = { ...node, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };
  list.push({ metric: 'node_filesystem_size_bytes', labels: tmpfs, gauge: () => 4e9 });
  list.push({ metric: 'node_filesystem_free_bytes', labels: tmpfs, gauge: () => 1e9 });
  const containersEgress = (t: number) => PLANS.reduce((sum, plan) => sum + (t >= (plan.fromMs ?? 0) ? counterRate(...plan.egress)(t) : 0), 0);
  list.push({ metric: 'node_network_transmit_bytes_total', labels: { ...node, device: 'eth0' }, counter: (t) => containersEgress(t) + 2e3 });
  list.push({ metric: 'node_network_transmit_bytes_total', labels: { ...node, device: 'lo' }, counter: () => 5e6 });
  const minio = { instance: 'minio:9000', job: 'minio', service: 'minio' };
  list.push({ metric: 'minio_bucket_usage_total_bytes', labels: { ...minio, bucket: 'satvach-photos' }, gauge: gaugeValue(40e9, 55e9) });
  list.push({ metric: 'minio_bucket_usage_total_bytes', labels: { ...minio, bucket: 'satvach-backups' }, gauge: gaugeValue(10e9, 12e9) });
  list.push({ metric: 'minio_s3_traffic_sent_bytes', labels: minio, counter: counterRate(30e3, 45e3) });
  return list;
}


/** The generated samples (the tests' expectations come from these) and their OpenMetrics text. */
export function syntheticHistory(): { series: Series[]; openMetrics: string } {
  const series = generate(specs(), HISTORY.startMs, HISTORY.endMs, STEP_MS);
  return { series, openMetrics: openMetrics(series) };
}

/** The price table the tests use. */
export const PRICES = { currency: 'EUR', host: { monthly: 40, split: { cpu: 0.5, memory: 0.35, disk: 0.15 } }, egress: { perGb: 0.01, includedGb: 100 }, objectStorage: { storageGbMonth: 0.02, egressGb: 0.01 } };

