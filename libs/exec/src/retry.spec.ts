import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './retry.ts';

class Transient extends Error {}

function failingTimes(failures: number, error: () => Error = () => new Transient('503')) {
  let calls = 0;
  const fn = async (attempt: number) => {
    calls++;
    if (calls <= failures) throw error();
    return `ok on attempt ${attempt}`;
  };
  return { fn, calls: () => calls };
}

function recordingDelay() {
  const waits: number[] = [];
  return { waits, delay: async (ms: number) => void waits.push(ms) };
}

const isTransient = (error: unknown) => error instanceof Transient;

describe('withRetry', () => {
  it('retries transient failures with exponential backoff, then succeeds', async () => {
    const { waits, delay } = recordingDelay();
    const { fn, calls } = failingTimes(3);
    const retries: number[] = [];
    const result = await withRetry(fn, { attempts: 4, baseDelayMs: 100, isTransient, delay, onRetry: ({ attempt }) => retries.push(attempt) });
    expect(result).toBe('ok on attempt 4');
    expect(calls()).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const { waits, delay } = recordingDelay();
    const { fn, calls } = failingTimes(10);
    await expect(withRetry(fn, { attempts: 3, baseDelayMs: 10, isTransient, delay })).rejects.toBeInstanceOf(Transient);
    expect(calls()).toBe(3);
    expect(waits).toEqual([10, 20]);
  });

  it('does not retry a non-transient error', async () => {
    const { waits, delay } = recordingDelay();
    const { fn, calls } = failingTimes(1, () => new Error('denied: permission'));
    await expect(withRetry(fn, { attempts: 5, baseDelayMs: 10, isTransient, delay })).rejects.toThrow('denied');
    expect(calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it('caps the delay and really waits with the default timer', async () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 100, 500))).toEqual([100, 200, 400, 500, 500]);
    const { fn } = failingTimes(2);
    const started = Date.now();
    expect(await withRetry(fn, { attempts: 3, baseDelayMs: 2, isTransient })).toBe('ok on attempt 3');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5);
  });

  it('rejects nonsense attempts', async () => {
    await expect(withRetry(async () => 1, { attempts: 0, baseDelayMs: 1, isTransient })).rejects.toThrow('attempts must be a positive integer');
  });
});
