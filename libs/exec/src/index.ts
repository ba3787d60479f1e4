export { describe, redactorFor, secretValues, shellQuote, type Command } from './describe.ts';
export {
  CommandFailedError,
  CommandStartError,
  STDERR_TAIL_LINES,
  tailLines,
  type CommandFailure,
  type FailureReason,
} from './errors.ts';
export { spawnStream, type StreamingProcess, type StreamOptions } from './stream.ts';
export { processSink, run, type OutputSink, type RunFn, type RunOptions, type RunResult, type StreamName } from './run.ts';
export { createRedactor, isSecret, REDACTED, revealValue, secret, Secret, type MaybeSecret } from './secret.ts';
export { backoffDelay, withRetry, type RetryOptions } from './retry.ts';
export { pollUntil, systemClock, type Clock, type PollOptions } from './poll.ts';
export { EnvFileError, parseEnvFile, readEnvFile } from './env-file.ts';
export { formatTable } from './table.ts';
export { consoleLogger, silentLogger, type Logger } from './logger.ts';
