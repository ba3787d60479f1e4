import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, run, secret } from '@satvach/exec';
import { z } from 'zod';
import { type DatabaseConfig } from './config.ts';

/**
 * The backend's devtools start the one kind of local PostgreSQL + PostGIS this workspace has
 * (tests, `npm run dev`, and this): `scratch-up` makes a throwaway cluster on a free 127.0.0.1 port.
 * It needs only the Python standard library and Debian's postgresql-15-postgis-3.
 */
export const LOCAL_SERVICES_SCRIPT = resolve(import.meta.dirname, '../../../apps/backend/devtools/local_services.py');

export class ScratchServerError extends Error {
  override readonly name = 'ScratchServerError';
}

export interface ScratchOptions {
  /** Where the cluster lives while the drill runs (a directory the postgres user may traverse). */
  readonly workDir?: string;
  readonly python?: string;
  readonly script?: string;
}

/** A running scratch server: its superuser's connection (maintenance database `postgres`). */
export interface ScratchServer {
  readonly database: DatabaseConfig;
  readonly dataDir: string;
  /** The command that stops the server and deletes its directory. */
  readonly stopCommand: Command;
  stop(): Promise<void>;
}

/** `scratch-up` / `scratch-down` of the devtools for a state dir: plain data. */
export function scratchCommands(stateDir: string, options: Pick<ScratchOptions, 'python' | 'script'> = {}): { up: Command; down: Command } {
  const file = options.python ?? 'python3';
  const script = options.script ?? LOCAL_SERVICES_SCRIPT;
  return {
    up: { file, args: [script, 'scratch-up', '--state-dir', stateDir] },
    down: { file, args: [script, 'scratch-down', '--state-dir', stateDir] },
  };
}

const startedSchema = z.object({ host: z.string(), port: z.number().int(), user: z.string(), password_file: z.string(), data_dir: z.string() });

/** Starts a throwaway PostgreSQL + PostGIS on 127.0.0.1; the caller stops it (which deletes it). */
export async function startScratchServer(options: ScratchOptions = {}): Promise<ScratchServer> {
  const script = options.script ?? LOCAL_SERVICES_SCRIPT;
  if (!existsSync(script)) {
    throw new ScratchServerError(`the scratch PostgreSQL is started by ${script}, which is missing: run the drill from the workspace (npx nx run db:restore-drill)`);
  }
  const root = mkdtempSync(join(options.workDir ?? tmpdir(), 'satvach-scratch-'));
  chmodSync(root, 0o755); // initdb runs as the postgres user when we are root
  const commands = scratchCommands(root, { ...options, script });
  const stop = async () => {
    try {
      await run(commands.down, { quiet: true });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    const { stdout } = await run(commands.up, { quiet: true });
    const started = startedSchema.parse(JSON.parse(stdout));
    return {
      database: { host: started.host, port: started.port, user: started.user, password: secret(readFileSync(started.password_file, 'utf8').trim()), database: 'postgres' },
      dataDir: started.data_dir,
      stopCommand: commands.down,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw new ScratchServerError(`cannot start the scratch PostgreSQL for the drill: ${(error as Error).message}`);
  }
}
