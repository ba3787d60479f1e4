import { type ExecutorContext, logger } from '@nx/devkit';
import { type Logger } from '@satvach/exec';

/** The one adapter from the libraries' Logger to Nx's logger. */
export const nxLogger: Logger = { info: (message) => logger.info(message), warn: (message) => logger.warn(message), error: (message) => logger.error(message) };

export function projectRootOf(context: ExecutorContext): string {
  const project = context.projectName;
  const root = project ? context.projectsConfigurations?.projects[project]?.root : undefined;
  if (root === undefined) throw new Error(`unknown project "${project ?? ''}"; run \`nx show projects\` to list them`);
  return root;
}

/** One clear error line (the libraries' messages already name the key, file or value), then failure. */
export function reportFailure(what: string, error: unknown): { success: false } {
  logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  return { success: false };
}
