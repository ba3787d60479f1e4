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

const TRANSIENT_REGISTRY_ERRORS = [
  /toomanyrequests|too many requests|\b429\b/i,
  /\b50[234]\b|bad gateway|service unavailable|gateway time-?out/i,
  /connection reset|connection refused|broken pipe|unexpected EOF|i\/o timeout|TLS handshake timeout/i,
  /net\/http: request canceled|context deadline exceeded|temporary failure in name resolution/i,
];

/** Whether a failed `docker push`/`login` looks like a network or registry hiccup worth retrying. */
export function isTransientRegistryError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message}\n${'stderr' in error ? String(error.stderr) : ''}` : String(error);
  return TRANSIENT_REGISTRY_ERRORS.some((pattern) => pattern.test(text));
}
