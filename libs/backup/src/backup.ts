import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable, type Transform, type Duplex, type Writable } from 'node:stream';
import { type Logger, type OutputSink, spawnStream } from '@satvach/exec';
import { type BackupConfig } from './config.ts';
import { type LatestPointer, type Manifest } from './manifest.ts';
import { backupKeys, latestKey, stampOf, type BackupKeys } from './naming.ts';
import { connect, countRows, DEFAULT_PG_TOOLS, dumpCommand, postgisVersion, serverVersion, spatialChecks, type PgTools } from './postgres.ts';
import { createProgress } from './progress.ts';
import { BackupStore, where } from './store.ts';
import { ageEncrypt, digest, endWhenSucceeded, fanOut, meter } from './streams.ts';

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface RunContext {
  readonly log: Logger;
  /** The primary target's store (the backup writer's key). */
  readonly store?: BackupStore;
  /** The replica's store; by default made from `config.replica` when that is set. */
  readonly replica?: BackupStore;
  readonly tools?: PgTools;
  readonly now?: () => Date;
  /** Progress on a terminal (rewritten line) rather than log lines. */
  readonly tty?: boolean;
  /** Progress and pg_dump's stderr; defaults to the logger. */
  readonly progressWrite?: (text: string) => void;
}

export interface BackupResult {
  readonly manifest: Manifest;
  readonly keys: BackupKeys;
}

/** Every configured target, primary first: a backup counts only when each of them holds it. */
export function targetsOf(config: BackupConfig, context: { readonly store?: BackupStore; readonly replica?: BackupStore }): [BackupStore, ...BackupStore[]] {
  const primary = context.store ?? new BackupStore(config.s3);
  const replica = context.replica ?? (config.replica === undefined ? undefined : new BackupStore(config.replica));
  return replica === undefined ? [primary] : [primary, replica];
}

/** Reads the stored object back and checks it against the stream's SHA-256 and size. */
async function verifyStored(store: BackupStore, key: string, expected: { sha256: string; size: number }): Promise<void> {
  const check = digest();
  await pipeline(await store.download(key), check.stream, new PassThrough().resume() as Writable);
  const { sha256, size } = check.result();
  if (sha256 !== expected.sha256 || size !== expected.size) {
    throw new BackupError(`${key} on ${where(store.config)} does not match what was sent (sha256 ${sha256}, ${size} bytes; sent ${expected.sha256}, ${expected.size} bytes)`);
  }
}

function sinkOf(log: Logger): OutputSink {
  return { write: (_stream, line) => log.warn(`pg_dump: ${line}`) };
}

/**
 * One backup: `pg_dump -Fc` of a snapshot streamed (optionally through age) into a multipart upload on
 * every target at once (primary, and the off-host replica when configured), with no temp file and flat
 * memory. Row counts and spatial summaries come from the same snapshot. Each target's object is read back
 * and its SHA-256 checked; only then are the manifests written, and `latest.json` only after every
 * manifest. Any failure before that (one target unreachable included) aborts every upload, leaves no
 * object that counts as a backup and `latest` untouched. The backup never deletes: overwriting
 * `latest.json` is a PutObject, which a versioned bucket keeps.
 */
export async function backup(config: BackupConfig, context: RunContext): Promise<BackupResult> {
  const { log } = context;
  const targets = targetsOf(config, context);
  const [store] = targets;
  const db = config.database;
  const now = context.now ?? (() => new Date());
  for (const target of targets) await target.checkBucket();
  const client = await connect(db);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const started = now();
    const stamp = stampOf(started);
    // Each target has its own prefix, so its own keys; the primary's are the result's.
    const keysOf = targets.map((target) => backupKeys(target.config.prefix, db.database, stamp, config.encryption.recipient !== undefined));
    const keys = keysOf[0] as BackupKeys;
    const destinations = targets.map((target, index) => `s3://${target.config.bucket}/${keysOf[index]?.dump ?? ''}`).join(' + ');
    log.info(`backup: pg_dump of ${db.database} at ${db.host}:${db.port} → ${destinations}${config.encryption.recipient === undefined ? '' : ' (age-encrypted)'}`);

    const dump = spawnStream(dumpCommand(db, snapshot, context.tools ?? DEFAULT_PG_TOOLS), { sink: sinkOf(log) });
    const progress = createProgress({ label: 'backup', tty: context.tty === true, write: context.progressWrite ?? ((text) => log.info(text.trimEnd())) });
    let dumpSize = 0;
    const stages: (Readable | Transform | Duplex)[] = [
      dump.stdout,
      meter((count) => {
        dumpSize += count;
        progress.add(count);
      }),
      endWhenSucceeded(dump.done),
    ];
    if (config.encryption.recipient !== undefined) stages.push(await ageEncrypt(config.encryption.recipient));
    const stored = digest();
    stages.push(stored.stream);

    // Stream once, fan out: each target's upload reads its own branch, at the pace of the slowest.
    const branches = targets.map(() => new PassThrough());
    const flowing = pipeline([...stages, fanOut(branches)] as [Readable, ...Transform[], Writable]);
    const uploads = targets.map((target, index) =>
      target.upload((keysOf[index] as BackupKeys).dump, branches[index] as PassThrough).catch((error: unknown) => {
        // One target failing stops the stream, and with it every other target's upload and pg_dump.
        for (const branch of branches) branch.destroy(error as Error);
        throw error;
      }),
    );
    const facts = (async () => ({
      tables: await countRows(client),
      spatial: await spatialChecks(client),
      postgis: await postgisVersion(client),
      server: await serverVersion(client),
    }))();
    const labels = ['pg_dump failed', ...targets.map((target) => `the upload to ${where(target.config)} failed`), 'counting rows failed', 'the stream failed'];
    const outcomes = await Promise.allSettled([dump.done, ...uploads, facts, flowing].map(timed));
    const failure = firstFailure(outcomes, labels, targets.length + 1);
    if (failure !== undefined) {
      dump.cancel();
      throw await explain(failure, config, store);
    }
    const { tables, spatial, postgis, server } = await facts;
    const { sha256, size } = stored.result();
    log.info(progress.finish());
    try {
      // One read-back at a time: the peak memory of a run stays that of one download.
      for (const [index, target] of targets.entries()) await verifyStored(target, (keysOf[index] as BackupKeys).dump, { sha256, size });
    } catch (error) {
      throw await explain({ what: 'checking the stored copies failed', error: error as Error }, config, store);
    }
    const finished = now();
    const manifest: Manifest = {
      format: 'satvach-backup/1',
      database: db.database,
      stamp: keys.stamp,
      key: keys.dump,
      encrypted: config.encryption.recipient !== undefined,
      recipient: config.encryption.recipient ?? null,
      sha256,
      size,
      dumpSize,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      serverVersion: server,
      postgisVersion: postgis,
      tables,
      spatial,
    };
    for (const [index, target] of targets.entries()) {
      const own = keysOf[index] as BackupKeys;
      await target.putJson(own.manifest, { ...manifest, key: own.dump });
    }
    const updatedAt = now().toISOString();
    for (const [index, target] of targets.entries()) {
      const own = keysOf[index] as BackupKeys;
      const latest: LatestPointer = { stamp: own.stamp, manifest: own.manifest, key: own.dump, updatedAt };
      await target.putJson(latestKey(target.config.prefix, db.database), latest);
    }
    log.info(`backup: done ${keys.dump} (${size} bytes, sha256 ${sha256}, ${tables.length} tables, on ${targets.map((target) => target.config.target).join(' and ')}); latest → ${keys.stamp}`);
    return { manifest, keys };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Settles like `promise`, noting when it rejected: the earlier failure is the cause, the later its echo. */
async function timed(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    throw { error: error as Error, at: performance.now() };
  }
}

/**
 * The cause worth telling: whichever of pg_dump and the upload failed first (when the upload dies,
 * pg_dump then fails on its closed stdout, and the other way round), else the row counts, else the stream.
 */
function firstFailure(outcomes: readonly PromiseSettledResult<unknown>[], labels: readonly string[], producers: number): { what: string; error: Error } | undefined {
  const failures = outcomes
    .map((outcome, index) => {
      if (outcome.status !== 'rejected') return undefined;
      const { error, at } = outcome.reason as { error: Error; at: number };
      return { what: labels[index] ?? 'failed', error, at, rank: index < producers ? 0 : index };
    })
    .filter((failure) => failure !== undefined)
    .sort((a, b) => a.rank - b.rank || a.at - b.at);
  return failures[0];
}

async function explain(failure: { what: string; error: Error }, config: BackupConfig, store: BackupStore): Promise<Error> {
  const pointer = await store.getText(latestKey(store.config.prefix, config.database.database)).then(
    (text) => (text === undefined ? 'no earlier backup exists' : `latest still points at ${(JSON.parse(text) as LatestPointer).stamp}`),
    () => 'latest.json was not touched',
  );
  return new BackupError(`backup of ${config.database.database} failed, nothing was recorded (${pointer}): ${failure.what}: ${failure.error.message}`);
}
