// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CENTRE, locate } from './geo.ts';

type Call = Parameters<Geolocation['getCurrentPosition']>;

/** A Geolocation whose single request is answered by `answer`, recording the options it was asked with. */
function fakeGeolocation(answer: (success: Call[0], failure: NonNullable<Call[1]>) => void) {
  const calls: Call[] = [];
  const geolocation = {
    getCurrentPosition: (...call: Call) => {
      calls.push(call);
      answer(call[0], call[1]!);
    },
  } as unknown as Geolocation;
  return { geolocation, calls };
}

const positionError = (code: number) => ({ code, message: 'nope' }) as GeolocationPositionError;
const pune = { lat: DEFAULT_CENTRE.lat, lon: DEFAULT_CENTRE.lon };

afterEach(() => {
  vi.useRealTimers();
});

describe('locate', () => {
  it('uses the device position and asks with a timeout', async () => {
    const { geolocation, calls } = fakeGeolocation((success) =>
      success({ coords: { latitude: 19.076, longitude: 72.8777 } } as GeolocationPosition),
    );

    await expect(locate(geolocation, 5000)).resolves.toEqual({ source: 'device', centre: { lat: 19.076, lon: 72.8777 } });
    expect(calls[0]?.[2]).toMatchObject({ timeout: 5000 });
  });

  it('falls back to Pune when permission is denied', async () => {
    const { geolocation } = fakeGeolocation((_success, failure) => failure(positionError(1)));
    await expect(locate(geolocation)).resolves.toEqual({ source: 'default', centre: pune, reason: 'permission-denied' });
  });

  it('falls back when the position is unavailable', async () => {
    const { geolocation } = fakeGeolocation((_success, failure) => failure(positionError(2)));
    await expect(locate(geolocation)).resolves.toMatchObject({ source: 'default', reason: 'position-unavailable' });
  });

  it('falls back when the browser reports a timeout', async () => {
    const { geolocation } = fakeGeolocation((_success, failure) => failure(positionError(3)));
    await expect(locate(geolocation)).resolves.toMatchObject({ source: 'default', reason: 'timeout' });
  });

  it('falls back after the timeout when the browser never answers, as with an ignored prompt', async () => {
    vi.useFakeTimers();
    const { geolocation } = fakeGeolocation(() => undefined);
    const result = locate(geolocation, 3000);

    await vi.advanceTimersByTimeAsync(3000);

    await expect(result).resolves.toEqual({ source: 'default', centre: pune, reason: 'timeout' });
  });

  it('keeps the device position that arrives before the timeout', async () => {
    vi.useFakeTimers();
    let answer: Call[0] | undefined;
    const { geolocation } = fakeGeolocation((success) => {
      answer = success;
    });
    const result = locate(geolocation, 3000);
    answer?.({ coords: { latitude: 1, longitude: 2 } } as GeolocationPosition);

    await vi.advanceTimersByTimeAsync(5000);

    await expect(result).resolves.toEqual({ source: 'device', centre: { lat: 1, lon: 2 } });
  });

  it('falls back when there is no geolocation API', async () => {
    await expect(locate(undefined)).resolves.toEqual({ source: 'default', centre: pune, reason: 'unsupported' });
  });
});
