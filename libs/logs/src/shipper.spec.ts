// The shipper against a real VictoriaLogs on loopback: what arrives, in both wire formats; a store
// restart in the middle of a steady stream; a shipper restart resuming from its cursor file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorFile } from './cursor.ts';
import { ship, type ShipperOptions } from './shipper.ts';
import { GeneratedLogs } from './testing/generator.ts';
import { startVictoriaLogs, type VictoriaLogs } from './testing/victorialogs.ts';

let store: VictoriaLogs;
let scratch: string;
beforeAll(async () => {
  store = await startVictoriaLogs();
  scratch = mkdtempSync(join(tmpdir(), 'satvach-shipper-'));
});
afterAll(async () => {
  await store?.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

function startShipper(source: GeneratedLogs, cursorFile: string, overrides: Partial<ShipperOptions> = {}) {
  const controller = new AbortController();
  const events: Record<string, unknown>[] = [];
  const done = ship({
    source,
    cursors: new CursorFile(cursorFile),
    format: 'jsonline',
    url: store.url,
    signal: controller.signal,
    log: (event) => events.push(event),
    discoverIntervalMs: 200,
    flushIntervalMs: 100,
    retryBaseDelayMs: 50,
    retryMaxDelayMs: 500,
    ...overrides,
  });
  return { events, stop: async () => { controller.abort(); await done; } };
}

async function countOf(logsql: string): Promise<number> {
  await store.flush();
  const [row] = await store.query(`${logsql} | stats count() as n`);
  return Number(row?.n ?? 0);
}

async function waitForCount(logsql: string, expected: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await countOf(logsql);
  while (count < expected && Date.now() < deadline) {
    await sleep(200);
    count = await countOf(logsql);
  }
  return count;
}

describe('ship (real VictoriaLogs)', () => {
  for (const format of ['jsonline', 'loki'] as const) {
    it(`${format}: the edge's and the backend's JSON lines arrive with service, level and request_id as fields`, async () => {
      const source = new GeneratedLogs();
      const edge = source.add(`edge-${format}`);
      const backend = source.add(`backend-${format}`);
      source.emit(backend, `{"event":"request","level":"warning","request_id":"${format}-r1","route":"/api/v1/places"}`);
      source.emit(edge, `{"request_id":"${format}-r1","method":"GET","uri":"/api/v1/places","status":200}`);
      source.emit(backend, 'plain text on stderr', 'stderr');
      const shipper = startShipper(source, join(scratch, `${format}.json`), format === 'loki' ? { format, url: `${store.url}/insert` } : {});
      try {
        expect(await waitForCount(`service:~"-${format}$"`, 3)).toBe(3);
      } finally {
        await shipper.stop();
      }
      const rows = await store.query(`request_id:="${format}-r1" | sort by (_time) | fields service, level, _msg, route`);
      expect(rows).toEqual([
        { service: `backend-${format}`, level: 'warning', _msg: 'request', route: '/api/v1/places' },
        { service: `edge-${format}`, level: 'info', _msg: 'GET /api/v1/places 200', route: '' },
      ].map((row) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ''))));
      expect(await store.query(`service:="backend-${format}" AND stream:=stderr | fields _msg, level`)).toEqual([{ _msg: 'plain text on stderr', level: 'error' }]);
    });
  }

  it('loses no line and repeats none when the store is down for 3 s during a steady stream (a line every 10 ms)', async () => {
    const source = new GeneratedLogs();
    const id = source.add('steady');
    const shipper = startShipper(source, join(scratch, 'steady.json'));
    let emitted = 0;
    let emitting = true;
    const emitter = (async () => {
      while (emitting) {
        source.emit(id, JSON.stringify({ event: 'tick', seq: ++emitted, level: 'info' }));
        await sleep(10);
      }
    })();
    let duringOutage = 0;
    try {
      await sleep(1500);
      await store.stop();
      const atStop = emitted;
      await sleep(3000);
      duringOutage = emitted - atStop;
      await store.start();
      await sleep(1000);
      emitting = false;
      await emitter;
      expect(await waitForCount('service:=steady', emitted)).toBe(emitted);
    } finally {
      emitting = false;
      await shipper.stop();
    }
    expect(duringOutage).toBeGreaterThan(0);
    // Every sequence number once: nothing lost, nothing sent twice.
    const [stats] = await store.query('service:=steady | stats count() as n, count_uniq(seq) as uniq, min(seq) as lo, max(seq) as hi');
    expect(stats).toEqual({ n: String(emitted), uniq: String(emitted), lo: '1', hi: String(emitted) });
    expect(shipper.events.some((event) => event.event === 'push_retry')).toBe(true);
  });

  it('a restarted shipper resumes from its cursor file: the lines of its downtime arrive, none twice', async () => {
    const source = new GeneratedLogs();
    const id = source.add('resume');
    const cursorFile = join(scratch, 'resume.json');
    let shipper = startShipper(source, cursorFile);
    for (let i = 1; i <= 50; i++) source.emit(id, `{"event":"line","seq":${i}}`);
    expect(await waitForCount('service:=resume', 50)).toBe(50);
    await shipper.stop();
    expect(Object.keys(JSON.parse(readFileSync(cursorFile, 'utf8')) as object)).toEqual([id]);
    for (let i = 51; i <= 80; i++) source.emit(id, `{"event":"line","seq":${i}}`);
    shipper = startShipper(source, cursorFile);
    try {
      expect(await waitForCount('service:=resume', 80)).toBe(80);
      await sleep(500);
    } finally {
      await shipper.stop();
    }
    const [stats] = await store.query('service:=resume | stats count() as n, count_uniq(seq) as uniq');
    expect(stats).toEqual({ n: '80', uniq: '80' });
  });

  it('reads a stopped container to its end once and follows it again when it runs again', async () => {
    const source = new GeneratedLogs();
    const job = source.add('job');
    source.emit(job, '{"event":"migrated"}');
    source.stop(job);
    const shipper = startShipper(source, join(scratch, 'job.json'));
    try {
      expect(await waitForCount('service:=job', 1)).toBe(1);
      await sleep(800); // several discovery rounds: an ended container is not re-read
      expect(await countOf('service:=job')).toBe(1);
      source.restart(job);
      source.emit(job, '{"event":"migrated again"}');
      expect(await waitForCount('service:=job', 2)).toBe(2);
      await sleep(500);
      expect(await countOf('service:=job')).toBe(2);
    } finally {
      await shipper.stop();
    }
  });
});
