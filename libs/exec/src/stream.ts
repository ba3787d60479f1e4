import { performance } from 'node:perf_hooks';
import { type Readable, type Writable } from 'node:stream';
import { execa } from 'execa';
import { describe, redactorFor, type Command } from './describe.ts';
import { failureOf, processSink, type RunOptions, type RunResult, type StreamName } from './run.ts';
import { revealValue } from './secret.ts';

export interface StreamOptions extends RunOptions {
  /** Give the caller the child's stdin as a stream (else stdin is closed). `command.input` is not used. */
  readonly stdin?: boolean;
}

/** A running process whose stdout is data (a dump, an archive), not lines. */
export interface StreamingProcess {
  /** The child's raw stdout: bytes, never redacted, never captured. */
  readonly stdout: Readable;
  /** The child's stdin when `stdin: true` was asked for. */
  readonly stdin: Writable | undefined;
  /**
   * Settles when the process has ended: resolves like `run()` (with an empty `stdout`), rejects with
   * `CommandFailedError` / `CommandStartError`. stderr is streamed to the sink, redacted, and captured.
   */
  readonly done: Promise<RunResult>;
  /** Ends the process early (SIGTERM); `done` then rejects with reason `canceled`. */
  cancel(): void;
}

/**
 * Starts one program without a shell and hands its stdout over as a stream, so that gigabytes can flow
 * into an upload or a file at flat memory. Everything else is as in `run()`: secrets in argv, env and
 * stderr are redacted, failures throw the same errors (from `done`).
 */
export function spawnStream(command: Command, options: StreamOptions = {}): StreamingProcess {
  const redact = redactorFor(command);
  const described = describe(command);
  const sink = options.quiet === true ? undefined : (options.sink ?? processSink);
  const controller = new AbortController();
  const signal = options.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, options.signal]);

  const stderrLines = function* (line: unknown) {
    const text = redact(String(line));
    const stream: StreamName = 'stderr';
    sink?.write(stream, text);
    options.onLine?.(stream, text);
    yield text;
  };

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(command.env ?? {})) env[key] = revealValue(value);

  const started = performance.now();
  const subprocess = execa(command.file, command.args.map(revealValue), {
    cwd: command.cwd,
    env,
    stdin: options.stdin === true ? 'pipe' : 'ignore',
    stdout: 'pipe',
    stderr: stderrLines,
    buffer: { stdout: false, stderr: true },
    reject: false,
    timeout: options.timeoutMs,
    cancelSignal: signal,
  });

  const done = subprocess.then((result) => {
    const durationMs = Math.round(performance.now() - started);
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    if (!result.failed) return { exitCode: result.exitCode ?? 0, stdout: '', stderr, durationMs };
    throw failureOf(command, { ...result, stdout: '' }, { described, redact, timeoutMs: options.timeoutMs, durationMs });
  });
  // The caller may only look at `done` after draining stdout; never let it count as unhandled meanwhile.
  done.catch(() => undefined);

  return {
    stdout: subprocess.stdout,
    stdin: options.stdin === true ? (subprocess.stdin ?? undefined) : undefined,
    done,
    cancel: () => controller.abort(),
  };
}
