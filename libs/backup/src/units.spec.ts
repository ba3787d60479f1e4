import { describe, expect, it } from 'vitest';
import { secret } from '@satvach/exec';
import { loadConfig } from './config.ts';
import { compareWithManifest, drillDatabaseName } from './drill.ts';
import { sendHeartbeat } from './heartbeat.ts';
import { missedRun } from './job.ts';
import { type Manifest } from './manifest.ts';
import { dumpCommand, restoreCommand } from './postgres.ts';
import { createProgress, formatBytes, progressLine } from './progress.ts';
import { formatCatalog } from './report.ts';
import { LOCAL_SERVICES_SCRIPT, scratchCommands } from './scratch.ts';
import { describeS3Error, s3ClientConfig } from './store.ts';
import { fanOut } from './streams.ts';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe as describeCommand } from '@satvach/exec';

const manifest: Manifest = {
  format: 'satvach-backup/1', database: 'satvach', stamp: '20260105T031500Z', key: 'k', encrypted: false, recipient: null,
  sha256: 'a'.repeat(64), size: 10, dumpSize: 10, startedAt: '', finishedAt: '', durationMs: 1, serverVersion: '15.8', postgisVersion: '3.3.2',
  tables: [{ schema: 'public', table: 'places', rows: 5 }],
  spatial: [{ schema: 'public', table: 'places', column: 'location', kind: 'geography', rows: 5, extent: 'POLYGON((0 0,1 1))' }],
};

describe('argv as data', () => {
  const config = loadConfig({ SATVACH_BACKUP_DATABASE_URL: 'postgresql://satvach:pw-secret@db:5433/satvach', SATVACH_BACKUP_S3_BUCKET: 'b-1' });
  it('pg_dump: custom format of the exported snapshot, password only in the (redacted) environment', () => {
    const command = dumpCommand(config.database, '00000003-0000000F-1');
    expect(describeCommand(command)).toBe('PGHOST=db PGPORT=5433 PGUSER=satvach PGDATABASE=satvach PGPASSWORD=*** pg_dump --format=custom --snapshot=00000003-0000000F-1 --no-password');
  });
  it('the drill\'s scratch server: the backend devtools\' one local PostgreSQL, started and deleted by state dir', () => {
    expect(LOCAL_SERVICES_SCRIPT.endsWith('/apps/backend/devtools/local_services.py')).toBe(true);
    expect(scratchCommands('/tmp/s')).toEqual({
      up: { file: 'python3', args: [LOCAL_SERVICES_SCRIPT, 'scratch-up', '--state-dir', '/tmp/s'] },
      down: { file: 'python3', args: [LOCAL_SERVICES_SCRIPT, 'scratch-down', '--state-dir', '/tmp/s'] },
    });
  });
  it('pg_restore: stops at the first error, parallel, into the target', () => {
    expect(restoreCommand(config.database, { target: 'copy', file: '/tmp/x.dump', jobs: 3 }).args).toEqual([
      '--dbname', 'copy', '--exit-on-error', '--no-owner', '--no-privileges', '--no-password', '--jobs=3', '/tmp/x.dump',
    ]);
  });
  it('S3 client: path style and checksums only when required (the s3rver/MinIO caveat)', () => {
    const s3 = s3ClientConfig({ ...config.s3, endpoint: 'http://127.0.0.1:9000', accessKeyId: 'a', secretAccessKey: secret('s') });
    expect(s3).toMatchObject({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', endpoint: 'http://127.0.0.1:9000' });
  });
});

describe('drill comparison', () => {
  const good = { postgis: '3.3.2', tables: manifest.tables, spatial: manifest.spatial, distance: 267_818 };
  it('passes when everything matches', () => {
    expect(compareWithManifest(manifest, good).every((check) => check.ok)).toBe(true);
  });
  it('fails on a missing PostGIS, a short table, a different extent, a broken spatial query', () => {
    const checks = compareWithManifest(manifest, { postgis: null, tables: [{ schema: 'public', table: 'places', rows: 4 }], spatial: [{ ...manifest.spatial[0]!, extent: 'POLYGON((0 0,2 2))' }], distance: null });
    expect(checks.map((check) => [check.name, check.ok])).toEqual([
      ['postgis', false], ['rows public.places', false], ['spatial public.places.location', false], ['spatial query', false],
    ]);
    expect(checks[0]?.detail).toBe('extension missing (the backup has 3.3.2)');
  });
  it('names throwaway databases within 63 characters', () => {
    expect(drillDatabaseName('satvach', '20260105T031500Z')).toBe('satvach_drill_20260105t031500z');
    expect(drillDatabaseName('x'.repeat(80), '20260105T031500Z')).toHaveLength(63);
  });
});

describe('missed runs', () => {
  const now = new Date('2026-01-05T10:00:00Z');
  it('a daily 03:00 schedule missed today when the latest is from yesterday', () => {
    expect(missedRun(new Date('2026-01-04T03:00:10Z'), '0 3 * * *', 'UTC', now)).toBe(true);
    expect(missedRun(new Date('2026-01-05T03:00:10Z'), '0 3 * * *', 'UTC', now)).toBe(false);
    expect(missedRun(undefined, '0 3 * * *', 'UTC', now)).toBe(true);
  });
  it('gives a run in progress a grace period right after its time', () => {
    expect(missedRun(new Date('2026-01-04T03:00:10Z'), '0 3 * * *', 'UTC', new Date('2026-01-05T03:05:00Z'))).toBe(false);
  });
});

describe('progress and listing', () => {
  it('renders bytes and rate; logs one line per interval, a TTY rewrites one line', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(progressLine('backup', 10 * 1024 * 1024, 2000)).toBe('backup: 10.0 MiB in 2.0 s (5.0 MiB/s)');
    let clock = 0;
    const written: string[] = [];
    const progress = createProgress({ label: 'backup', tty: false, write: (text) => written.push(text), intervalMs: 1000, now: () => clock });
    for (let i = 0; i < 5; i++) {
      clock += 400;
      progress.add(1024);
    }
    expect(written).toEqual(['backup: 3.0 KiB in 1.2 s (2.5 KiB/s)\n']);
    const tty: string[] = [];
    const onTty = createProgress({ label: 'x', tty: true, write: (text) => tty.push(text), intervalMs: 0, now: () => 1000 });
    onTty.add(1);
    onTty.finish();
    expect(tty).toEqual(['\rx: 1 B in 0.0 s (0 B/s)', '\rx: 1 B in 0.0 s (0 B/s)\n']);
  });
  it('lists backups as a table with latest marked', () => {
    const entries = [
      { stamp: '20260104T030000Z', date: new Date(), dumpKey: 'a', size: 2048, encrypted: true, complete: true, drill: { format: 'satvach-drill/1' as const, stamp: '', at: '2026-01-04T05:00:00.000Z', ok: true, durationMs: 1, checks: [] }, objects: [] },
      { stamp: '20260105T030000Z', date: new Date(), dumpKey: 'b', size: 10, encrypted: false, complete: false, drill: undefined, objects: [] },
    ];
    expect(formatCatalog(entries, '20260104T030000Z')).toBe(
      ['timestamp         size     encrypted  state       drill                   ', '20260104T030000Z  2.0 KiB  age        complete    ok 2026-01-04T05:00  latest', '20260105T030000Z  10 B     no         INCOMPLETE  never'].map((line) => line.trimEnd()).join('\n'),
    );
  });
});

describe('heartbeat', () => {
  it('retries a failing monitoring endpoint, then logs a warning without the URL and does not throw', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const fetchFn = (async (url: string) => {
      calls.push(url);
      return new Response('down', { status: 503 });
    }) as unknown as typeof fetch;
    const sent = await sendHeartbeat({ successUrl: secret('https://hc.example/abc'), failureUrl: secret('https://hc.example/abc/fail') }, false, 'boom', { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined }, fetchFn);
    expect(sent).toBe(false);
    expect(calls).toEqual(['https://hc.example/abc/fail', 'https://hc.example/abc/fail', 'https://hc.example/abc/fail']);
    expect(warnings).toEqual(['heartbeat: the failure ping failed after 3 attempts (HTTP 503); check SATVACH_BACKUP_HEARTBEAT_URL']);
  });
});

describe('S3 errors', () => {
  const s3 = loadConfig({
    SATVACH_BACKUP_DATABASE_URL: 'postgresql://u@h/d',
    SATVACH_BACKUP_S3_BUCKET: 'satvach-backups',
    SATVACH_BACKUP_S3_ENDPOINT_URL: 'http://minio:9000',
    SATVACH_BACKUP_S3_ACCESS_KEY_ID: 'satvach-backup',
    SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: 'writer-secret-1',
  }).s3;
  it('wrong credentials (what MinIO answers; s3rver does not check them) name the key id and the keys to fix, never the secret', () => {
    for (const name of ['InvalidAccessKeyId', 'SignatureDoesNotMatch']) {
      const message = describeS3Error({ name, $metadata: { httpStatusCode: 403 } }, s3, 'check the bucket').message;
      expect(message).toBe(
        `S3 rejected the credentials for bucket "satvach-backups" at http://minio:9000, access key id "satvach-backup" (${name}): check SATVACH_BACKUP_S3_ACCESS_KEY_ID / SATVACH_BACKUP_S3_SECRET_ACCESS_KEY`,
      );
      expect(message).not.toContain('writer-secret-1');
    }
  });
  it('a denied action names the action, the key id and the target', () => {
    expect(describeS3Error({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, s3, 'delete k').message).toBe(
      'cannot delete k: S3 denied it to access key id "satvach-backup" on bucket "satvach-backups" at http://minio:9000 (AccessDenied): the key\'s policy does not allow it — check SATVACH_BACKUP_S3_ACCESS_KEY_ID is the identity meant for this',
    );
  });
  it('an unreachable endpoint and a missing bucket are told apart', () => {
    expect(describeS3Error({ name: 'Error', code: 'ECONNREFUSED' }, s3, 'check the bucket').message).toBe(
      'cannot check the bucket: bucket "satvach-backups" at http://minio:9000 is unreachable (ECONNREFUSED); check SATVACH_BACKUP_S3_ENDPOINT_URL and that the server runs',
    );
    expect(describeS3Error({ name: 'NotFound', $metadata: { httpStatusCode: 404 } }, s3, 'check the bucket').message).toBe(
      'bucket "satvach-backups" at http://minio:9000 does not exist: create it (e.g. `mc mb`) or fix SATVACH_BACKUP_S3_BUCKET',
    );
  });
});

describe('fan-out to several targets', () => {
  const collect = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  };

  it('every branch gets every byte, in order, at the pace of the slowest (nothing runs ahead)', async () => {
    const fast = new PassThrough({ highWaterMark: 16 });
    const slow = new PassThrough({ highWaterMark: 16 });
    const source = Readable.from(Array.from({ length: 50 }, (_, index) => Buffer.from(`chunk-${index};`)));
    let maxBuffered = 0;
    const slowReader = (async () => {
      const chunks: string[] = [];
      for await (const chunk of slow) {
        maxBuffered = Math.max(maxBuffered, fast.readableLength);
        chunks.push(String(chunk));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return chunks.join('');
    })();
    const [, fastText, slowText] = await Promise.all([pipeline(source, fanOut([fast, slow])), collect(fast), slowReader]);
    const expected = Array.from({ length: 50 }, (_, index) => `chunk-${index};`).join('');
    expect(fastText).toBe(expected);
    expect(slowText).toBe(expected);
    expect(maxBuffered).toBeLessThan(200);
  });

  it('a branch that fails stops the stream, and the other branch is destroyed with the same error', async () => {
    const healthy = new PassThrough();
    const failing = new PassThrough();
    healthy.resume();
    failing.once('data', () => failing.destroy(new Error('replica went away')));
    const source = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });

    await expect(pipeline(source, fanOut([healthy, failing]))).rejects.toThrow('replica went away');
    expect(healthy.destroyed).toBe(true);
    expect(healthy.errored?.message).toBe('replica went away');
    expect(source.destroyed).toBe(true);
  });
});
