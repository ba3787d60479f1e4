/** A point on the map in WGS 84 degrees. */
export interface Centre {
  lat: number;
  lon: number;
}

/** Where the page centres its search when the browser cannot say where the user is. */
export const DEFAULT_CENTRE = { lat: 18.5204, lon: 73.8567, name: 'Pune' } as const;

export type FallbackReason = 'permission-denied' | 'position-unavailable' | 'timeout' | 'unsupported';

export type PositionResult =
  | { source: 'device'; centre: Centre }
  | { source: 'default'; centre: Centre; reason: FallbackReason };

export const FALLBACK_EXPLANATIONS: Record<FallbackReason, string> = {
  'permission-denied': 'location access was denied',
  'position-unavailable': 'your position is unavailable',
  timeout: 'finding your position took too long',
  unsupported: 'this browser cannot share its location',
};

const DEFAULT_LOCATE_TIMEOUT_MS = 8000;

// GeolocationPositionError codes, written out because the class only exists in browsers.
const PERMISSION_DENIED = 1;
const TIMEOUT = 3;

function fallback(reason: FallbackReason): PositionResult {
  return { source: 'default', centre: { lat: DEFAULT_CENTRE.lat, lon: DEFAULT_CENTRE.lon }, reason };
}

/**
 * Asks the browser for the user's position once. Never rejects: every failure resolves to the
 * default centre with the reason, so the page always has somewhere to search.
 */
export function locate(
  geolocation: Geolocation | undefined,
  timeoutMs: number = DEFAULT_LOCATE_TIMEOUT_MS,
): Promise<PositionResult> {
  if (!geolocation) return Promise.resolve(fallback('unsupported'));
  return new Promise((resolve) => {
    // Browsers do not start the geolocation timeout while the permission prompt is open, so a user
    // who ignores the prompt would leave the page waiting forever without this guard.
    const guard = setTimeout(() => resolve(fallback('timeout')), timeoutMs);
    const settle = (result: PositionResult) => {
      clearTimeout(guard);
      resolve(result);
    };
    geolocation.getCurrentPosition(
      (position) => settle({ source: 'device', centre: { lat: position.coords.latitude, lon: position.coords.longitude } }),
      (error) =>
        settle(
          fallback(
            error.code === PERMISSION_DENIED ? 'permission-denied' : error.code === TIMEOUT ? 'timeout' : 'position-unavailable',
          ),
        ),
      { timeout: timeoutMs, maximumAge: 60_000, enableHighAccuracy: false },
    );
  });
}
