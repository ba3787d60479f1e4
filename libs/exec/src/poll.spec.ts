import { describe, expect, it } from 'vitest';
import { type Clock, pollUntil } from './poll.ts';

/** A clock that moves only when the poll sleeps: the deadline is crossed without waiting for it. */
function steppedClock(): Clock & { slept: number[] } {
  let now = 1_000;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

describe('pollUntil', () => {
  it('returns the first value the check gives, after pausing the interval between checks', async () => {
    const clock = steppedClock();
    const value = await pollUntil(async (attempt) => (attempt === 3 ? `ready on ${attempt}` : undefined), { timeoutMs: 10_000, intervalMs: 250, clock });
    expect(value).toBe('ready on 3');
    expect(clock.slept).toEqual([250, 250]);
  });

  it('gives up with undefined once the deadline has passed, checking once more after the last pause', async () => {
    const clock = steppedClock();
    const seenAt: number[] = [];
    const value = await pollUntil(async () => void seenAt.push(clock.now()), { timeoutMs: 1_000, intervalMs: 400, clock });
    expect(value).toBeUndefined();
    // 0, 400, 800 are before the deadline; 1200 is the check after the pause that crossed it.
    expect(seenAt).toEqual([1_000, 1_400, 1_800, 2_200]);
  });

  it('checks once even with no time at all, and takes a value that comes at the deadline', async () => {
    const clock = steppedClock();
    expect(await pollUntil(async () => 'at once', { timeoutMs: 0, intervalMs: 100, clock })).toBe('at once');
    expect(clock.slept).toEqual([]);
    const late = await pollUntil(async (attempt) => (attempt === 2 ? 'just in time' : undefined), { timeoutMs: 100, intervalMs: 100, clock });
    expect(late).toBe('just in time');
  });

  it('ends at once when the check throws, without waiting out the deadline', async () => {
    const clock = steppedClock();
    const poll = pollUntil(async (attempt) => {
      if (attempt === 2) throw new Error('the container exited');
      return undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, clock });
    await expect(poll).rejects.toThrow('the container exited');
    expect(clock.slept).toEqual([500]);
  });

  it('waits on the real timer when no clock is given', async () => {
    const started = performance.now();
    expect(await pollUntil(async (attempt) => (attempt === 2 ? attempt : undefined), { timeoutMs: 5_000, intervalMs: 20 })).toBe(2);
    // Only a lower bound: a timer never fires early, however busy the machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
