// The cost of watching: CPU (% of one core) and RSS of the monitoring services, at idle and under the
// edge benchmark's load (wrk on a hashed asset, as bench/edge), on the local-images stack. Read from
// the engine's per-container cgroup counters (CPU time at the start and end of each window, RSS
// sampled every 5 s). Goal (issue 13): monitoring + logging together ≤ 5 % of one core, ≤ 400 MB.
// Needs the harness (bash tools/scripts/docker-harness.sh) and wrk (apt-get install wrk); uses the
// stack's fixed ports, so run it alone (flock /tmp/satvach-e2e.lock on shared machines).
//   node bench/monitoring/run.ts [--profiles=monitoring,logging] [--services=victorialogs,…] [--idle=60] [--load=30]
// --services adds compose services (e.g. the logging profile's) to the monitoring ones measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { report, type BenchRow } from '../report.ts';

const MONITORING = ['prometheus', 'alertmanager', 'node-exporter', 'blackbox-exporter', 'postgres-exporter', 'nginx-exporter', 'cadvisor'];
const { values: options } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'monitoring' },
    services: { type: 'string', default: '' },
    idle: { type: 'string', default: '60' },
    load: { type: 'string', default: '30' },
  },
});
const services = [...MONITORING, ...options.services.split(',').filter(Boolean)];
const idleSeconds = Number(options.idle);
const loadSeconds = Number(options.load);

const workspaceRoot = process.cwd();
const project = 'satvach-bench';
const edge = 'http://127.0.0.1:8080';
const socketPath = '/var/run/docker.sock';
const scratch = mkdtempSync(join(tmpdir(), 'satvach-bench-monitoring-'));
const stack = [`--projectName=${project}`, `--envFile=${join(scratch, '.env')}`, `--stateDir=${join(scratch, 'state')}`];
const env = {
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_LOAD_DOT_ENV_FILES: 'false',
  DOCKER_HOST: `unix://${socketPath}`,
  SATVACH_DOCKER_CLIENT: '/usr/bin/docker',
  SATVACH_REGISTRY: '127.0.0.1:5000/bench',
};
const nx = (...args: string[]) => execa('node_modules/.bin/nx', [...args, '--outputStyle=static'], { cwd: workspaceRoot, env });

function engine<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(`docker engine ${path}: HTTP ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Stats {
  cpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { stats?: Record<string, number> };
}

/** CPU time (ns) and RSS (bytes) of the service's container: cgroup v1's total_rss, v2's anon. */
async function sample(service: string): Promise<{ cpuNs: number; rss: number }> {
  const [container] = await engine<{ Id: string }[]>(`/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`] }))}`);
  if (!container) throw new Error(`no running container for ${service} in ${project}: is its profile on (--profiles)?`);
  const stats = await engine<Stats>(`/containers/${container.Id}/stats?stream=false&one-shot=true`);
  const memory = stats.memory_stats.stats ?? {};
  return { cpuNs: stats.cpu_stats.cpu_usage.total_usage, rss: memory.total_rss ?? memory.anon ?? 0 };
}

/** Each service's CPU share of one core over the window and its mean RSS, while `during` runs. */
async function measure(seconds: number, during: () => Promise<unknown> = async () => {}) {
  const start = new Map<string, number>();
  for (const service of services) start.set(service, (await sample(service)).cpuNs);
  const started = performance.now();
  const rssSamples = new Map<string, number[]>(services.map((service) => [service, []]));
  const work = during();
  while (performance.now() - started < seconds * 1000) {
    for (const service of services) rssSamples.get(service)?.push((await sample(service)).rss);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  await work;
  const wallNs = (performance.now() - started) * 1e6;
  const result = new Map<string, { cpuPercent: number; rssMb: number }>();
  for (const service of services) {
    const end = await sample(service);
    const rss = rssSamples.get(service) ?? [];
    result.set(service, { cpuPercent: ((end.cpuNs - (start.get(service) ?? 0)) / wallNs) * 100, rssMb: rss.reduce((a, b) => a + b, 0) / Math.max(rss.length, 1) / 2 ** 20 });
  }
  return result;
}

async function promValue(query: string): Promise<number> {
  const answer = (await (await fetch(`http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data: { result: { value: [number, string] }[] } };
  return Number(answer.data.result[0]?.value[1] ?? Number.NaN);
}

const rows: BenchRow[] = [];
try {
  await nx('run-many', '-t', 'docker-build', '-p', 'backend', 'frontend', '-c', 'local-images');
  await nx('run', 'stack:up', '-c', 'local-images', ...stack, `--profiles=${options.profiles}`);
  // Two scrape intervals, so every target has been scraped and the TSDB holds its series.
  await new Promise((resolve) => setTimeout(resolve, 60_000));

  const idle = await measure(idleSeconds);
  const index = await (await fetch(`${edge}/`)).text();
  const script = /\/assets\/index-[\w-]+\.js/.exec(index)?.[0];
  if (!script) throw new Error('no JS bundle in index.html');
  const loaded = await measure(loadSeconds, () => execa('wrk', ['-t2', '-c32', `-d${loadSeconds}s`, '-H', 'Accept-Encoding: br', `${edge}${script}`]));

  for (const service of services) {
    const [atIdle, underLoad] = [idle.get(service), loaded.get(service)];
    rows.push({ metric: `${service} CPU, idle`, value: atIdle?.cpuPercent ?? 0, unit: '%' });
    rows.push({ metric: `${service} CPU, edge load`, value: underLoad?.cpuPercent ?? 0, unit: '%' });
    rows.push({ metric: `${service} RSS, idle`, value: atIdle?.rssMb ?? 0, unit: 'MB' });
  }
  const total = (window: typeof idle, key: 'cpuPercent' | 'rssMb') => [...window.values()].reduce((sum, value) => sum + value[key], 0);
  rows.push({ metric: `all ${services.length} services CPU, idle (${idleSeconds} s)`, value: total(idle, 'cpuPercent'), unit: '%', goal: '≤ 5 % of one core' });
  rows.push({ metric: `all ${services.length} services CPU, edge load (${loadSeconds} s wrk)`, value: total(loaded, 'cpuPercent'), unit: '%', goal: '≤ 5 % of one core' });
  rows.push({ metric: `all ${services.length} services RSS, idle`, value: total(idle, 'rssMb'), unit: 'MB', goal: '≤ 400 MB' });
  rows.push({ metric: `all ${services.length} services RSS, edge load`, value: total(loaded, 'rssMb'), unit: 'MB', goal: '≤ 400 MB' });
  rows.push({ metric: 'Prometheus head series', value: await promValue('prometheus_tsdb_head_series'), unit: '' });
  rows.push({ metric: 'Prometheus samples scraped per interval', value: await promValue('sum(scrape_samples_scraped)'), unit: '' });
  // What gave these figures: the running Prometheus's own interval and retention.
  const config = ((await (await fetch('http://127.0.0.1:9090/api/v1/status/config')).json()) as { data: { yaml: string } }).data.yaml;
  const flags = ((await (await fetch('http://127.0.0.1:9090/api/v1/status/flags')).json()) as { data: Record<string, string> }).data;
  rows.push({ metric: 'scrape interval', value: Number(/scrape_interval: (\d+)s/.exec(config)?.[1]), unit: 's' });
  // Prometheus prints durations in their largest whole unit (70d is "10w").
  const [, amount = 'NaN', unit = 'd'] = /^(\d+)([ywd])$/.exec(flags['storage.tsdb.retention.time'] ?? '') ?? [];
  rows.push({ metric: 'retention', value: Number(amount) * ({ y: 365, w: 7, d: 1 } as Record<string, number>)[unit]!, unit: 'd' });
} finally {
  await nx('run', 'stack:down', `--projectName=${project}`, `--stateDir=${join(scratch, 'state')}`, '--removeVolumes').catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
report(workspaceRoot, 'monitoring', rows);
