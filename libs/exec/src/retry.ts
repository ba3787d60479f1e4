import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Total tries, including the first. */
  readonly attempts: number;
  /** Delay before the second try; doubled for each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs?: number;
  /** Only errors for which this is true are retried; any other error is thrown at once. */
  readonly isTransient: (error: unknown) => boolean;
  /** Injectable for tests; defaults to a real timer. */
  readonly delay?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to log "push failed (attempt 1/3), retrying in 2000 ms". */
  readonly onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** The wait after failed attempt `attempt` (1-based): base · 2^(attempt−1), capped. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs = Number.POSITIVE_INFINITY): number {
  return Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
}

/** Runs `fn` until it succeeds, fails with a non-transient error, or runs out of attempts. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new Error(`attempts must be a positive integer, got ${options.attempts}`);
  }
  const delay = options.delay ?? ((ms: number) => sleep(ms));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.isTransient(error)) throw error;
      const delayMs = backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs);
      options.onRetry?.({ attempt, delayMs, error });
      await delay(delayMs);
    }
  }
}
