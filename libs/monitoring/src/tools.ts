import { basename } from 'node:path';
import { type Command, CommandFailedError, CommandStartError, run } from '@satvach/exec';

/** The Debian packages that ship each tool (tools/scripts/setup.sh installs them). */
export const TOOL_PACKAGES = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  'prometheus-postgres-exporter': 'prometheus-postgres-exporter',
} as const;
export type Tool = keyof typeof TOOL_PACKAGES;

export const promtoolCheckRules = (files: readonly string[]): Command => ({ file: 'promtool', args: ['check', 'rules', ...files] });
export const promtoolTestRules = (files: readonly string[]): Command => ({ file: 'promtool', args: ['test', 'rules', ...files] });
export const amtoolCheckConfig = (file: string): Command => ({ file: 'amtool', args: ['check-config', file] });
/** Which receivers an alert with `labels` reaches, by the config's routing tree. */
export const amtoolRoutesTest = (file: string, labels: Readonly<Record<string, string>>): Command => ({
  file: 'amtool',
  args: ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([key, value]) => `${key}=${value}`)],
});

/**
 * Acknowledges a page: a silence on the alert's labels stops its notifications on every route — the
 * team's channels, the primary's repeats and the secondary's escalation still waiting.
 */
export const amtoolSilenceAdd = (alertmanagerUrl: string, matchers: Readonly<Record<string, string>>, silence: { author: string; comment: string; duration: string }): Command => ({
  file: 'amtool',
  args: ['silence', 'add', `--alertmanager.url=${alertmanagerUrl}`, `--author=${silence.author}`, `--comment=${silence.comment}`, `--duration=${silence.duration}`, ...Object.entries(matchers).map(([key, value]) => `${key}=${value}`)],
});

export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
}

export interface ToolResult {
  readonly ok: boolean;
  readonly exitCode: number;
  /** stdout and stderr together: promtool and amtool split their report between them. */
  readonly output: string;
}

/**
 * Runs one of the monitoring tools and reports its verdict instead of throwing on a non-zero exit
 * (a failing check is a result); a tool that is not installed says which package to install.
 */
export async function runTool(command: Command): Promise<ToolResult> {
  try {
    const result = await run(command, { quiet: true, timeoutMs: 300_000 });
    return { ok: true, exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
  } catch (error) {
    if (error instanceof CommandStartError) throw missingTool(basename(command.file));
    if (error instanceof CommandFailedError && error.reason === 'exit') {
      return { ok: false, exitCode: error.exitCode ?? 1, output: `${error.stdout}\n${error.stderr}` };
    }
    throw error;
  }
}

export function missingTool(tool: string): ToolMissingError {
  const pkg = (TOOL_PACKAGES as Record<string, string>)[tool] ?? 'prometheus';
  return new ToolMissingError(`${tool} is not installed: run \`apt-get install prometheus prometheus-alertmanager prometheus-postgres-exporter\` (it is in the Debian package ${pkg}; \`npm run setup\` installs them)`);
}

/** Per-file results of `promtool test rules`: file → SUCCESS/FAILED and the failing alert names. */
export function parsePromtoolTestOutput(output: string): { file: string; ok: boolean; failingAlerts: string[] }[] {
  const sections = output.split(/^Unit Testing:\s+/m).slice(1);
  return sections.map((section) => {
    const file = section.split('\n')[0]?.trim() ?? '';
    const ok = /^\s+SUCCESS\s*$/m.test(section);
    const failingAlerts = [...new Set([...section.matchAll(/alertname: (\w+), time:/g)].map((match) => match[1] as string))];
    return { file, ok, failingAlerts };
  });
}
