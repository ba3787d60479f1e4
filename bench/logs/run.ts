// Log store benchmark: a real VictoriaLogs on loopback (the binary `npm run setup` builds) takes
// ≥ 1 M synthetic lines of the stack's shape (an edge access line and a backend line per request)
// through the shipper's wire format; then the time of `stack:logs --request-id=…` (median of 9),
// ingest throughput, and VictoriaLogs's CPU and RSS at idle and during ingest.
//   node bench/logs/run.ts [--lines=1000000]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { pushRequest, queryLogs, type LogRecord } from '../../libs/logs/src/index.ts';
import { startVictoriaLogs } from '../../libs/logs/src/testing/victorialogs.ts';
import { report, type BenchRow } from '../report.ts';

const workspaceRoot = process.cwd();
const totalLines = Number(/^--lines=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 1_000_000);
const batchLines = 10_000;
const ticksPerSecond = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these.

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** CPU as % of one core and the peak RSS over `ms`. */
async function sample(pid: number, ms: number, during?: Promise<unknown>) {
  const startCpu = cpuSeconds(pid);
  const started = performance.now();
  let peak = rssMiB(pid);
  const end = during ?? sleep(ms);
  let done = false;
  void end.then(() => (done = true));
  while (!done) {
    await sleep(200);
    peak = Math.max(peak, rssMiB(pid));
  }
  return { cpuPercent: ((cpuSeconds(pid) - startCpu) / ((performance.now() - started) / 1000)) * 100, peakRss: peak, rss: rssMiB(pid) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const routes = ['/api/v1/places/nearby', '/api/v1/places', '/health/ready', '/api/v1/places/{id}/photo'];

/** Request i: an edge line and a backend line sharing its id, spread over the last hour. */
function batch(from: number, count: number, startMs: number): LogRecord[] {
  const records: LogRecord[] = [];
  for (let i = from; i < from + count; i += 2) {
    const request = i / 2;
    const id = `req-${request.toString(36)}`;
    const ms = startMs + Math.floor((request * 3_600_000) / (totalLines / 2));
    const time = (offset: number) => new Date(ms + offset).toISOString();
    const status = request % 50 === 0 ? 500 : 200;
    const route = routes[request % routes.length] as string;
    records.push({ _time: time(0), _msg: 'request', service: 'backend', stream: 'stdout', container: 'satvach-backend-1', level: status === 500 ? 'error' : 'info', request_id: id, route, status: String(status), duration_ms: String(request % 97) });
    records.push({ _time: time(1), _msg: `GET ${route} ${status}`, service: 'edge', stream: 'stdout', container: 'satvach-edge-1', level: status === 500 ? 'error' : 'info', request_id: id, uri: route, status: String(status), request_time: '0.012' });
  }
  return records;
}

const store = await startVictoriaLogs();
const rows: BenchRow[] = [];
try {
  const pid = store.pid() as number;
  await sleep(2000);
  const idle = await sample(pid, 10_000);
  rows.push({ metric: 'VictoriaLogs idle CPU (empty store)', value: idle.cpuPercent, unit: '%cpu' });
  rows.push({ metric: 'VictoriaLogs idle RSS (empty store)', value: idle.rss, unit: 'MiB' });

  const startMs = Date.now() - 3_600_000;
  const ingestStarted = performance.now();
  const ingest = (async () => {
    // Two pushes in flight, as a shipper with a backlog would keep the store busy.
    let next = 0;
    const worker = async () => {
      while (next < totalLines) {
        const from = next;
        next += batchLines;
        const request = pushRequest('jsonline', store.url, batch(from, Math.min(batchLines, totalLines - from), startMs));
        const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
        if (!response.ok) throw new Error(`ingest: HTTP ${response.status}: ${await response.text()}`);
      }
    };
    await Promise.all([worker(), worker()]);
    await store.flush();
  })();
  const busy = await sample(pid, 0, ingest);
  await ingest;
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  const [count] = await store.query('* | stats count() as n');
  if (Number(count?.n) !== totalLines) throw new Error(`stored ${count?.n} of ${totalLines} lines`);
  rows.push({ metric: 'lines ingested (stored, counted)', value: totalLines, unit: 'lines' });
  rows.push({ metric: 'ingest throughput (jsonline, 10k-line batches, 2 in flight)', value: totalLines / ingestSeconds, unit: 'l/s' });
  rows.push({ metric: 'VictoriaLogs CPU during ingest', value: busy.cpuPercent, unit: '%cpu' });
  rows.push({ metric: 'VictoriaLogs peak RSS during ingest', value: busy.peakRss, unit: 'MiB' });

  // Request ids spread over the hour, each asked once cold, then 9 times.
  const ids = [0.1, 0.5, 0.9].map((share) => `req-${Math.floor((share * totalLines) / 2).toString(36)}`);
  const cold: number[] = [];
  const warm: number[] = [];
  for (const id of ids) {
    for (let run = 0; run < 10; run++) {
      const started = performance.now();
      const found = await queryLogs(store.url, { requestId: id });
      const ms = performance.now() - started;
      if (found.length !== 2 || found[0]?.service !== 'backend' || found[1]?.service !== 'edge') throw new Error(`${id}: expected its backend then edge line, got ${JSON.stringify(found)}`);
      (run === 0 ? cold : warm).push(ms);
    }
  }
  rows.push({ metric: `query one request id over ${totalLines} lines, first time (median of 3 ids)`, value: median(cold), unit: 'ms' });
  rows.push({ metric: `query one request id over ${totalLines} lines (median of 27)`, value: median(warm), unit: 'ms' });
  const errorsTimes: number[] = [];
  for (let run = 0; run < 9; run++) {
    const started = performance.now();
    await queryLogs(store.url, { service: 'edge', level: 'error', since: '15m', limit: 100 });
    errorsTimes.push(performance.now() - started);
  }
  rows.push({ metric: 'query --service=edge --level=error --since=15m --limit=100 (median of 9)', value: median(errorsTimes), unit: 'ms' });

  const after = await sample(pid, 10_000);
  rows.push({ metric: `VictoriaLogs idle CPU (${totalLines} lines stored)`, value: after.cpuPercent, unit: '%cpu' });
  rows.push({ metric: `VictoriaLogs idle RSS (${totalLines} lines stored)`, value: after.rss, unit: 'MiB' });
  const du = Number((await execa('du', ['-sk', store.dataDir])).stdout.split('\t')[0]) / 1024;
  rows.push({ metric: `disk used by ${totalLines} lines`, value: du, unit: 'MiB' });
} finally {
  await store.destroy();
}
report(workspaceRoot, 'logs', rows);
