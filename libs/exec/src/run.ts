import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { describe, redactorFor, type Command } from './describe.ts';
import { CommandFailedError, CommandStartError } from './errors.ts';
import { isSecret, revealValue } from './secret.ts';

export type StreamName = 'stdout' | 'stderr';

/** Where live output goes, one redacted line at a time (without its newline). */
export interface OutputSink {
  write(stream: StreamName, line: string): void;
}

export const processSink: OutputSink = {
  write(stream, line) {
    (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
  },
};

export interface RunOptions {
  /** Capture only; do not stream to the sink. `onLine` is still called. */
  readonly quiet?: boolean;
  /** Kill the process (SIGTERM, then SIGKILL 5 s later) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Kill the process when this signal aborts. */
  readonly signal?: AbortSignal;
  /** Called for every redacted output line, also when `quiet`. */
  readonly onLine?: (stream: StreamName, line: string) => void;
  /** Defaults to the parent's stdout/stderr. */
  readonly sink?: OutputSink;
  /**
   * Return stdout as the program wrote it, secrets included, for output that is itself the secret
   * material (a rendered config written to a 0600 file). Streamed lines, stderr and every error
   * stay redacted.
   */
  readonly rawStdout?: boolean;
}

export interface RunResult {
  readonly exitCode: number;
  /** Captured output, redacted, without the final newline. */
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** The signature libraries accept so that tests can inject recorded outputs instead of processes. */
export type RunFn = (command: Command, options?: RunOptions) => Promise<RunResult>;

function startErrorMessage(command: Command, code: string | undefined, described: string, detail: string): string {
  if (code === 'ENOENT') {
    if (command.cwd !== undefined && !existsSync(command.cwd)) {
      return `cannot start "${command.file}": the working directory ${command.cwd} does not exist (command: ${described})`;
    }
    return `cannot start "${command.file}": the program is not installed or not on PATH (command: ${described})`;
  }
  if (code === 'EACCES') {
    return `cannot start "${command.file}": permission denied, the file is not executable (command: ${described})`;
  }
  return `cannot start "${command.file}": ${detail} (command: ${described})`;
}

/** What execa reports about a failed process, as far as the error mapping needs it. */
export interface ExecaFailure {
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly isCanceled: boolean;
  readonly stdout?: unknown;
  readonly stderr?: unknown;
  readonly originalMessage?: string;
  readonly shortMessage?: string;
}

/** Maps a failed execa result to `CommandStartError` or `CommandFailedError`; shared by `run` and `spawnStream`. */
export function failureOf(
  command: Command,
  result: ExecaFailure,
  context: { described: string; redact: (text: string) => string; timeoutMs?: number; durationMs?: number },
): Error {
  const { described, redact } = context;
  const didStart = result.exitCode !== undefined || result.signal !== undefined || result.timedOut || result.isCanceled;
  if (!didStart) {
    const code = 'code' in result && typeof result.code === 'string' ? result.code : undefined;
    const detail = redact(result.originalMessage ?? result.shortMessage ?? 'unknown error');
    return new CommandStartError(startErrorMessage(command, code, described, detail), described, code);
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const common = { command: described, stdout: text(result.stdout), stderr: text(result.stderr), durationMs: context.durationMs ?? 0 };
  if (result.timedOut) return new CommandFailedError({ ...common, reason: 'timeout', timeoutMs: context.timeoutMs, signal: result.signal });
  if (result.isCanceled) return new CommandFailedError({ ...common, reason: 'canceled', signal: result.signal });
  if (result.exitCode === undefined) return new CommandFailedError({ ...common, reason: 'signal', signal: result.signal });
  return new CommandFailedError({ ...common, reason: 'exit', exitCode: result.exitCode });
}

/**
 * Runs one program without a shell. Output is streamed line by line to the sink while it is captured;
 * every secret of the command (its `secrets`, `Secret` arguments and env values, its `input`) is
 * replaced by `***` before any line leaves this function. A non-zero exit throws `CommandFailedError`,
 * a program that cannot be started throws `CommandStartError`.
 */
export const run: RunFn = async (command, options = {}) => {
  const redact = redactorFor(command);
  const described = describe(command);
  const sink = options.quiet === true ? undefined : (options.sink ?? processSink);

  const keepRaw = (stream: StreamName) => stream === 'stdout' && options.rawStdout === true;
  const lines = (stream: StreamName) =>
    function* (line: unknown) {
      const text = redact(String(line));
      sink?.write(stream, text);
      options.onLine?.(stream, text);
      yield keepRaw(stream) ? String(line) : text;
    };

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(command.env ?? {})) env[key] = revealValue(value);
  const input = command.input === undefined ? undefined : isSecret(command.input) ? command.input.reveal() : command.input;

  const started = performance.now();
  const result = await execa(command.file, command.args.map(revealValue), {
    cwd: command.cwd,
    env,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    stdout: lines('stdout'),
    stderr: lines('stderr'),
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
  });
  const durationMs = Math.round(performance.now() - started);

  if (!result.failed) {
    return { exitCode: result.exitCode ?? 0, stdout: result.stdout, stderr: result.stderr, durationMs };
  }

  const failed = options.rawStdout === true ? { ...result, stdout: redact(String(result.stdout ?? '')) } : result;
  throw failureOf(command, failed, { described, redact, timeoutMs: options.timeoutMs, durationMs });
};
