import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { run } from '@satvach/exec';
import { type RunContext } from './backup.ts';
import { findManifest } from './catalog.ts';
import { type BackupConfig } from './config.ts';
import { type Manifest } from './manifest.ts';
import { connect, contentsOf, DEFAULT_PG_TOOLS, quoteIdent, restoreCommand } from './postgres.ts';
import { createProgress } from './progress.ts';
import { BackupStore } from './store.ts';
import { ageDecrypt, digest, meter } from './streams.ts';

export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

export const DEFAULT_RESTORE_JOBS = 2;

export interface RestoreOptions {
  /** A backup timestamp such as 20260105T031500Z; the latest when absent. */
  readonly stamp?: string;
  /** The database to restore into, on the configured server. */
  readonly target: string;
  /** Drop and recreate a non-empty target. */
  readonly force?: boolean;
  readonly jobs?: number;
  /** Where the verified dump is kept while pg_restore reads it. Defaults to the OS temp dir. */
  readonly workDir?: string;
}

export interface RestoreResult {
  readonly manifest: Manifest;
  readonly target: string;
  readonly durationMs: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/**
 * Restores a backup into `target`: refuses a non-empty target without `force`, downloads the object and
 * checks its SHA-256 and size against the manifest (decrypting on the way when it is age-encrypted), and
 * only then (re)creates the target and runs pg_restore, which stops at the first error.
 */
export async function restore(config: BackupConfig, options: RestoreOptions, context: RunContext): Promise<RestoreResult> {
  const { log } = context;
  const started = performance.now();
  if (!NAME.test(options.target)) throw new RestoreError(`"${options.target}" is not a database name this tool restores into (letters, digits, _ $ -; at most 63)`);
  const store = context.store ?? new BackupStore(config.s3);
  const manifest = await findManifest(config, store, options.stamp);
  const identityFile = config.encryption.identityFile;
  if (manifest.encrypted && identityFile === undefined) {
    throw new RestoreError(`backup ${manifest.stamp} is age-encrypted: set SATVACH_BACKUP_AGE_IDENTITY_FILE to the file with its private key`);
  }

  const admin = await connect(config.database, 'postgres');
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.target])).rowCount === 1;
    if (exists) {
      const existing = await connect(config.database, options.target);
      const contents = await contentsOf(existing).finally(() => existing.end());
      const empty = contents.relations === 0 && contents.extensions.length === 0;
      if (!empty && options.force !== true) {
        const extensions = contents.extensions.length === 0 ? '' : `, extensions ${contents.extensions.join(', ')}`;
        throw new RestoreError(`database "${options.target}" is not empty (${contents.relations} relations${extensions}): restore into another database, or pass --force to drop and recreate it`);
      }
    }

    const workDir = await mkdtemp(join(options.workDir ?? tmpdir(), 'satvach-restore-'));
    try {
      const file = join(workDir, 'backup.dump');
      await downloadVerified(manifest, file, identityFile, store, context);
      if (exists) {
        log.info(`restore: dropping and recreating "${options.target}"`);
        await admin.query(`DROP DATABASE ${quoteIdent(options.target)} WITH (FORCE)`);
      }
      await admin.query(`CREATE DATABASE ${quoteIdent(options.target)} TEMPLATE template0`);
      log.info(`restore: pg_restore of ${manifest.stamp} into "${options.target}"`);
      const command = restoreCommand(config.database, { target: options.target, file, jobs: options.jobs ?? DEFAULT_RESTORE_JOBS }, context.tools ?? DEFAULT_PG_TOOLS);
      try {
        await run(command, { sink: { write: (_stream, line) => log.info(`pg_restore: ${line}`) } });
      } catch (error) {
        throw new RestoreError(`pg_restore into "${options.target}" failed, the database is incomplete (drop it, or rerun with --force): ${(error as Error).message}`);
      }
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);
  log.info(`restore: ${manifest.stamp} restored into "${options.target}" in ${(durationMs / 1000).toFixed(1)} s`);
  return { manifest, target: options.target, durationMs };
}

/** Downloads the stored object to `file`, hashing what was stored; throws unless it matches the manifest. */
async function downloadVerified(manifest: Manifest, file: string, identityFile: string | undefined, store: BackupStore, context: RunContext): Promise<void> {
  const progress = createProgress({ label: 'download', tty: context.tty === true, write: context.progressWrite ?? ((text) => context.log.info(text.trimEnd())) });
  const stored = digest();
  const source = await store.download(manifest.key);
  const hashed: Readable = source.pipe(meter((count) => progress.add(count))).pipe(stored.stream);
  source.on('error', (error) => hashed.destroy(error));
  const corrupt = (detail: string) =>
    new RestoreError(`backup ${manifest.stamp} failed verification, nothing was restored: ${detail}; pick another backup with --timestamp (see backup-list)`);
  try {
    if (manifest.encrypted && identityFile !== undefined) {
      const identity = await readFile(identityFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new RestoreError(`cannot read the age identity file ${identityFile} (${error.code ?? error.message}): check SATVACH_BACKUP_AGE_IDENTITY_FILE`);
      });
      await pipeline(await ageDecrypt(hashed, identity), createWriteStream(file));
    } else {
      await pipeline(hashed, createWriteStream(file));
    }
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    const { sha256, size } = stored.result();
    if (size !== manifest.size || sha256 !== manifest.sha256) throw corrupt(`the object does not match its manifest and ${(error as Error).message}`);
    throw corrupt(`the object could not be decrypted or read: ${(error as Error).message}`);
  }
  context.log.info(progress.finish());
  const { sha256, size } = stored.result();
  if (size !== manifest.size) throw corrupt(`${manifest.key} has ${size} bytes, the manifest says ${manifest.size}`);
  if (sha256 !== manifest.sha256) throw corrupt(`sha256 of ${manifest.key} is ${sha256}, the manifest says ${manifest.sha256}`);
  context.log.info(`restore: ${manifest.key} verified (sha256 ${sha256})`);
}
