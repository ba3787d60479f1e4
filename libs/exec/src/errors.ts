/** How many trailing stderr lines an error message carries: enough to see the cause, not a whole log. */
export const STDERR_TAIL_LINES = 20;

export type FailureReason = 'exit' | 'signal' | 'timeout' | 'canceled';

export interface CommandFailure {
  /** The command as `describe()` renders it: shell-quoted and redacted. */
  readonly command: string;
  readonly reason: FailureReason;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timeoutMs?: number;
  /** Captured output, already redacted. */
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export function tailLines(text: string, count: number = STDERR_TAIL_LINES): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  return lines.slice(-count);
}

function headline(failure: CommandFailure): string {
  switch (failure.reason) {
    case 'exit':
      return `command failed with exit code ${failure.exitCode}: ${failure.command}`;
    case 'signal':
      return `command was killed by ${failure.signal ?? 'a signal'}: ${failure.command}`;
    case 'timeout':
      return `command timed out after ${failure.timeoutMs} ms and was killed: ${failure.command}`;
    case 'canceled':
      return `command was canceled: ${failure.command}`;
  }
}

/** The process started and did not succeed. Every field is already redacted. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  readonly command: string;
  readonly reason: FailureReason;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;

  constructor(failure: CommandFailure) {
    const tail = tailLines(failure.stderr);
    const details = tail.length > 0 ? `\n--- last ${tail.length} lines of stderr ---\n${tail.join('\n')}` : '';
    super(headline(failure) + details);
    this.command = failure.command;
    this.reason = failure.reason;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.durationMs = failure.durationMs;
  }
}

/** The process could not be started at all (program missing, working directory missing, not executable). */
export class CommandStartError extends Error {
  override readonly name = 'CommandStartError';
  readonly command: string;
  readonly code: string | undefined;

  constructor(message: string, command: string, code: string | undefined) {
    super(message);
    this.command = command;
    this.code = code;
  }
}
