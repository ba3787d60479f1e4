// queryLogs against a real VictoriaLogs: the query buildLogsQuery makes selects what it claims, a
// hostile request id matches nothing, and failures name what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushRequest } from './sink.ts';
import { queryLogs } from './query.ts';
import { toRecord } from './record.ts';
import { freePort } from '@satvach/exec/testing';
import { startVictoriaLogs, type VictoriaLogs } from './testing/victorialogs.ts';

let store: VictoriaLogs;
const now = Date.now();
const at = (secondsAgo: number, nanos = 0) => `${new Date(now - secondsAgo * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;

beforeAll(async () => {
  store = await startVictoriaLogs();
  const lines = [
    { service: 'edge', time: at(10, 2), line: '{"request_id":"req-1","method":"GET","uri":"/api/v1/places","status":200}' },
    { service: 'backend', time: at(10, 1), line: '{"event":"request","level":"info","request_id":"req-1"}' },
    { service: 'backend', time: at(10), line: '{"event":"db slow","level":"warning","request_id":"req-1"}' },
    { service: 'backend', time: at(5), line: '{"event":"request","level":"error","request_id":"req-2"}' },
    { service: 'edge', time: at(7200), line: '{"request_id":"req-old","method":"GET","uri":"/","status":200}' },
    { service: 'backend', time: at(3), line: '{"event":"quote","level":"info","request_id":"x\\" OR service:=\\"edge"}' },
  ];
  const request = pushRequest('jsonline', store.url, lines.map((l) => toRecord({ ...l, container: `satvach-${l.service}-1`, stream: 'stdout' })));
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  expect(response.status).toBe(200);
  await store.flush();
});
afterAll(async () => {
  await store?.destroy();
});

const ids = (entries: { service?: string; _msg: string }[]) => entries.map((e) => `${e.service}:${e._msg}`);

describe('queryLogs (real VictoriaLogs)', () => {
  it('a request id finds its lines from every service, oldest first, nanoseconds apart', async () => {
    expect(ids(await queryLogs(store.url, { requestId: 'req-1' }))).toEqual(['backend:db slow', 'backend:request', 'edge:GET /api/v1/places 200']);
  });

  it('filters by service, level and --since, and --limit keeps the newest lines', async () => {
    expect(ids(await queryLogs(store.url, { service: 'edge' }))).toEqual(['edge:GET / 200', 'edge:GET /api/v1/places 200']);
    expect(ids(await queryLogs(store.url, { service: 'edge', since: '1h' }))).toEqual(['edge:GET /api/v1/places 200']);
    expect(ids(await queryLogs(store.url, { since: new Date(now - 6000).toISOString() }))).toEqual(['backend:request', 'backend:quote']);
    expect(ids(await queryLogs(store.url, { level: 'error' }))).toEqual(['backend:request']);
    expect(ids(await queryLogs(store.url, { service: 'backend', limit: 2 }))).toEqual(['backend:request', 'backend:quote']);
    expect(ids(await queryLogs(store.url, { query: 'status:200 AND uri:="/"' }))).toEqual(['edge:GET / 200']);
  });

  it('a request id carrying LogsQL matches only the line with exactly that id, never widens the search', async () => {
    expect(ids(await queryLogs(store.url, { requestId: 'x" OR service:="edge' }))).toEqual(['backend:quote']);
    expect(await queryLogs(store.url, { requestId: 'req-1" OR "' })).toEqual([]);
    expect(await queryLogs(store.url, { requestId: '* | limit 5' })).toEqual([]);
  });

  it('an unknown --service is named with the services that have logs', async () => {
    await expect(queryLogs(store.url, { service: 'backnd' })).rejects.toThrow('--service="backnd" has no logs at all; services with logs: backend, edge');
  });

  it('bad LogsQL in --query comes back with the store\'s own message', async () => {
    await expect(queryLogs(store.url, { query: 'status:>>' })).rejects.toThrow(/answered HTTP 400: .*status:>>/);
  });

  it('an unreachable store is named with its URL and how to start it', async () => {
    const closed = await freePort();
    await expect(queryLogs(`http://127.0.0.1:${closed}`, { requestId: 'req-1' })).rejects.toThrow(
      `cannot reach VictoriaLogs at http://127.0.0.1:${closed} (ECONNREFUSED): start it with \`nx run stack:up --profiles=logging\`, or pass --url=<its address>`,
    );
  });
});
