import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLogs, timestampNanos } from '@satvach/logs';
import { docker, harness, nx, requireHarness } from '../../e2e-support.ts';

// `stack:up --profiles=logging` for real, with the local images: VictoriaLogs and the log shipper
// next to the platform. One request is found across the edge and the backend by its id; the log
// store is restarted while a container logs steadily, and every line still arrives exactly once.

const project = 'satvach-e2e-logs';
const edge = 'http://127.0.0.1:8080';
const store = 'http://127.0.0.1:9428';
const scratch = mkdtempSync(join(tmpdir(), 'satvach-logs-'));
const common = [`--projectName=${project}`, `--stateDir=${join(scratch, 'state')}`];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

async function stats(logsql: string): Promise<Record<string, string>> {
  const response = await fetch(`${store}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query: logsql }) });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return JSON.parse((await response.text()).trim() || '{}') as Record<string, string>;
}

beforeAll(async () => {
  await requireHarness();
  const { exitCode, output } = await nx(['run', 'stack:up', '-c', 'local-images', ...common, `--envFile=${join(scratch, '.env')}`, '--profiles=logging'], {
    SATVACH_REGISTRY: `${harness.registry}/e2e-logs`,
  });
  if (exitCode !== 0) throw new Error(`stack:up failed:\n${output.slice(-4000)}`);
});

afterAll(async () => {
  await docker(['rm', '-f', `${project}-loadgen`], { reject: false });
  await nx(['run', 'stack:down', ...common, '--removeVolumes']);
  rmSync(scratch, { recursive: true, force: true });
});

describe('all logs in one place (logging profile)', () => {
  it('stack:logs --request-id finds the edge line and the backend line of one request, in time order', async () => {
    const requestId = `e2e-${randomBytes(6).toString('hex')}`;
    const answer = await fetch(`${edge}/api/v1/places/nearby?lat=18.52&lon=73.85`, { headers: { 'X-Request-ID': requestId } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe(requestId);

    const entries = await until('both lines of the request', async () => {
      const found = await queryLogs(store, { requestId });
      return found.length >= 2 ? found : undefined;
    });
    // Which of the two is first depends on who finishes writing first (nginx logs when the answer is
    // sent, the backend right after sending it); the claim is the order of their timestamps.
    const byService = Object.fromEntries(entries.map((entry) => [entry.service, entry]));
    expect(Object.keys(byService).sort()).toEqual(['backend', 'edge']);
    expect([byService.backend?.level, byService.backend?._msg]).toEqual(['info', 'request']);
    expect([byService.edge?.level, byService.edge?._msg]).toEqual(['info', 'GET /api/v1/places/nearby?lat=18.52&lon=73.85 200']);

    const { exitCode, output } = await nx(['run', 'stack:logs', `--request-id=${requestId}`]);
    expect(exitCode, output).toBe(0);
    // The log lines, not nx's echo of the command; nx may prefix them, each starts at its timestamp.
    const printed = output
      .split('\n')
      .map((line) => /\d{4}-\d\d-\d\dT\S+Z\s.*$/.exec(line)?.[0])
      .filter((line): line is string => line !== undefined && line.includes(requestId));
    expect(printed).toHaveLength(2);
    const expected = entries.map((entry) =>
      entry.service === 'backend'
        ? new RegExp(`^\\S+Z\\s+backend\\s+info\\s+${requestId}\\s+request$`)
        : new RegExp(`^\\S+Z\\s+edge\\s+info\\s+${requestId}\\s+GET /api/v1/places/nearby\\?lat=18.52&lon=73.85 200$`),
    );
    printed.forEach((line, index) => expect(line).toMatch(expected[index] as RegExp));
    const times = printed.map((line) => timestampNanos(line.split(/\s+/)[0] as string));
    expect(times[0]! <= times[1]!, printed.join('\n')).toBe(true);

    // `docker logs` is untouched: the engine still has the line itself.
    const { stdout } = await docker(['logs', `${project}_edge_1`]);
    expect(String(stdout)).toContain(`"request_id":"${requestId}"`);
  });

  it('names a bad option and an unknown service, and says what to do', async () => {
    const since = await nx(['run', 'stack:logs', '--since=yesterday']);
    expect(since.exitCode).not.toBe(0);
    expect(since.output).toContain('--since="yesterday" is neither a duration');
    const service = await nx(['run', 'stack:logs', '--service=backnd']);
    expect(service.exitCode).not.toBe(0);
    expect(service.output).toMatch(/--service="backnd" has no logs at all; services with logs: .*backend.*edge/);
  });

  it('loses no line and repeats none when the log store restarts during a steady stream', async () => {
    const lines = 1500;
    // A container of the stack's project (the shipper follows the project's label) logging 100 lines/s.
    await docker([
      'run', '-d', '--name', `${project}-loadgen`, '--network', 'host',
      '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=loadgen',
      'satvach-local/node:24-bookworm-slim', 'node', '-e',
      `let i = 0; const t = setInterval(() => { console.log(JSON.stringify({ event: 'tick', seq: ++i, level: 'info' })); if (i === ${lines}) clearInterval(t); }, 10);`,
    ]);
    await until('the first lines to arrive', async () => (Number((await stats('service:=loadgen | stats count() as n')).n) > 100 ? true : undefined));
    // Down for a few seconds: stopped, 3 s, started again (the shipper keeps reading meanwhile).
    const stopped = Date.now();
    await docker(['stop', `${project}_victorialogs_1`]);
    await sleep(3000);
    await docker(['start', `${project}_victorialogs_1`]);
    const during = Number((await until('the store back', () => stats('service:=loadgen | stats count() as n'))).n);
    const downForMs = Date.now() - stopped;
    expect(during).toBeLessThan(lines);

    const final = await until('every line', async () => {
      const row = await stats('service:=loadgen | stats count() as n, count_uniq(seq) as uniq, min(seq) as lo, max(seq) as hi');
      return Number(row.n) >= lines ? row : undefined;
    }, 120_000);
    await sleep(3000); // a late duplicate would show up now
    expect(await stats('service:=loadgen | stats count() as n, count_uniq(seq) as uniq, min(seq) as lo, max(seq) as hi')).toEqual(final);
    expect(final).toEqual({ n: String(lines), uniq: String(lines), lo: '1', hi: String(lines) });
    console.log(`log store restart: down ${downForMs} ms during a 100 lines/s stream; ${lines}/${lines} lines stored once, 0 lost`);
  });
});
