import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the poll sees it: injectable, so tests step through a deadline without waiting for it. */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale (Date.now by default). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export interface PollOptions {
  /** How long to keep asking, from the first check. */
  readonly timeoutMs: number;
  /** The pause between two checks. */
  readonly intervalMs: number;
  readonly clock?: Clock;
}

/**
 * Asks `check` until it returns a value (not undefined) or the deadline has passed; returns that value,
 * or undefined when time ran out, so that each caller says in its own words what did not happen.
 * The check runs at least once, and once more after the deadline when the last pause crossed it, so
 * a slow check never loses the answer that came just in time. A check that throws ends the poll.
 */
export async function pollUntil<T>(check: (attempt: number) => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const value = await check(attempt);
    if (value !== undefined) return value;
    if (clock.now() >= deadline) return undefined;
    await clock.sleep(options.intervalMs);
  }
}
