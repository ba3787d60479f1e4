import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, run as execRun, type Command, type RunFn } from '@satvach/exec';
import type { SetupManifest } from './setup-manifest.ts';

/**
 * The versions of every tool setup.sh installs, one `name version` line each (`absent` when missing),
 * for Nx's `runtime` cache input: a changed PostgreSQL, docker-compose, Prometheus, actionlint or
 * Python re-runs the tests that call them. One dpkg-query for all Debian packages keeps it quick:
 * Nx runs it whenever it hashes a task.
 */
export async function toolVersions(
  manifest: SetupManifest,
  run: RunFn = execRun,
  toolsDir = defaultToolsDir(),
  postgresDir = '/usr/lib/postgresql',
): Promise<string> {
  const dpkg = await output(run, { file: 'dpkg-query', args: ['--show', '--showformat=${Package} ${db:Status-Abbrev}${Version}\\n', ...manifest.debianPackages] });
  const installed = new Map<string, string>();
  for (const line of dpkg.split('\n')) {
    const match = /^(\S+) ii\s+(\S+)$/.exec(line.trim());
    if (match !== null) installed.set(match[1] as string, match[2] as string);
  }
  const python = await output(run, { file: 'python3', args: ['--version'] });
  // The server the harness starts comes from a dependency of the PostGIS package: its own version.
  const postgres = await Promise.all(
    listDir(postgresDir).map(async (major) => `postgres-${major} ${(await output(run, { file: join(postgresDir, major, 'bin/postgres'), args: ['--version'] })).trim() || 'absent'}`),
  );
  return [
    ...manifest.debianPackages.map((pkg) => `${pkg} ${installed.get(pkg) ?? 'absent'}`),
    ...manifest.goTools.map((tool) => `${tool.name} ${existsSync(join(toolsDir, `${tool.name}-${tool.version}`, tool.name)) ? tool.version : 'absent'}`),
    ...postgres,
    `python3 ${python.trim().replace(/^Python /, '') || 'absent'}`,
  ].join('\n');
}

const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** What a command printed, also when it failed (dpkg-query exits 1 when one package is missing) or is not installed. */
async function output(run: RunFn, command: Command): Promise<string> {
  try {
    return (await run(command, { quiet: true })).stdout;
  } catch (error) {
    if (error instanceof CommandFailedError) return error.stdout;
    return '';
  }
}

/** Where setup.sh's build_go_tool caches Go tools (SATVACH_TOOLS_DIR overrides, as in the script). */
export function defaultToolsDir(): string {
  return process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools');
}
