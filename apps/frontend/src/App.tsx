import { type FieldError, type NearbyPlace } from '@satvach/api-contract';
import { type Component, createEffect, createSignal, For, lazy, Match, onCleanup, onMount, Show, Suspense, Switch } from 'solid-js';
import { type ApiClient, ApiRequestError } from './api.ts';
import { categoryLabel, formatDistance, formatRadius } from './format.ts';
import { DEFAULT_CENTRE, FALLBACK_EXPLANATIONS, locate, type PositionResult } from './geo.ts';
// `import type` is erased whole, so the map's module (and MapLibre) stays out of the first chunk.
import type { PlacesMapProps } from './PlacesMap.tsx';

// MapLibre is most of the bundle; loading it on its own lets the list appear first.
const PlacesMap = lazy(() => import('./PlacesMap.tsx').then((module) => ({ default: module.PlacesMap })));

const RADIUS_OPTIONS_M = [500, 1000, 5000] as const;
type RadiusM = (typeof RADIUS_OPTIONS_M)[number];
const DEFAULT_RADIUS_M: RadiusM = 1000;

export interface AppProps {
  api: ApiClient;
  /** Where to search from; the browser's geolocation by default. */
  locate?: () => Promise<PositionResult>;
  /** The map view; swappable because MapLibre needs WebGL, which test DOMs lack. */
  Map?: Component<PlacesMapProps>;
}

type LoadState =
  | { status: 'locating' }
  | { status: 'loading' }
  | { status: 'ready'; places: NearbyPlace[] }
  | { status: 'failed'; message: string; fields: FieldError[] };

const locateWithBrowser = () => locate(typeof navigator === 'undefined' ? undefined : navigator.geolocation);

function failedState(error: unknown): LoadState {
  if (error instanceof ApiRequestError) return { status: 'failed', message: error.message, fields: error.fields };
  return { status: 'failed', message: `Something went wrong: ${error instanceof Error ? error.message : String(error)}`, fields: [] };
}

export function App(props: AppProps) {
  const MapView = props.Map ?? PlacesMap;
  const [position, setPosition] = createSignal<PositionResult>();
  const [radiusM, setRadiusM] = createSignal<RadiusM>(DEFAULT_RADIUS_M);
  const [attempt, setAttempt] = createSignal(0);
  const [state, setState] = createSignal<LoadState>({ status: 'locating' });

  onMount(() => {
    void (props.locate ?? locateWithBrowser)().then(setPosition);
  });

  // Re-runs whenever the centre, the radius or the retry count changes; the previous request is
  // aborted so a slow answer can never overwrite a newer one.
  createEffect(() => {
    const located = position();
    if (!located) return;
    const query = { lat: located.centre.lat, lon: located.centre.lon, radiusM: radiusM() };
    attempt();
    const controller = new AbortController();
    onCleanup(() => controller.abort());
    setState({ status: 'loading' });
    props.api.nearby(query, controller.signal).then(
      (response) => {
        if (!controller.signal.aborted) setState({ status: 'ready', places: response.items });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState(failedState(error));
      },
    );
  });

  const places = () => {
    const current = state();
    return current.status === 'ready' ? current.places : [];
  };
  const failed = () => {
    const current = state();
    return current.status === 'failed' ? current : undefined;
  };
  const fallbackReason = () => {
    const located = position();
    return located?.source === 'default' ? located.reason : undefined;
  };
  const radiusText = () => formatRadius(radiusM());

  return (
    <div class="app">
      <header class="app-header">
        <div>
          <h1 class="app-title">SatVach</h1>
          <p class="app-tagline">Places near you</p>
        </div>
        <label class="radius-picker">
          <span>Search within</span>
          <select
            value={radiusM()}
            onChange={(event) => setRadiusM(Number(event.currentTarget.value) as RadiusM)}
          >
            <For each={RADIUS_OPTIONS_M}>{(radius) => <option value={radius}>{formatRadius(radius)}</option>}</For>
          </select>
        </label>
      </header>

      <Show when={fallbackReason()}>
        {(reason) => (
          <p class="notice" role="status">
            Showing places near {DEFAULT_CENTRE.name} because {FALLBACK_EXPLANATIONS[reason()]}.
          </p>
        )}
      </Show>

      <main class="layout">
        <section class="results" aria-labelledby="results-heading" aria-busy={state().status === 'loading' || state().status === 'locating'}>
          <h2 id="results-heading">Within {radiusText()}</h2>
          <Switch>
            <Match when={state().status === 'locating'}>
              <p class="status" role="status">Finding your location…</p>
            </Match>
            <Match when={state().status === 'loading'}>
              <p class="status" role="status">Loading places within {radiusText()}…</p>
            </Match>
            <Match when={failed()}>
              {(failure) => (
                <div class="error" role="alert">
                  <p class="error-message">{failure().message}</p>
                  <Show when={failure().fields.length > 0}>
                    <ul class="error-fields">
                      <For each={failure().fields}>
                        {(field) => (
                          <li>
                            <code>{field.field}</code>: {field.message}
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                  <button type="button" class="retry" onClick={() => setAttempt((count) => count + 1)}>
                    Try again
                  </button>
                </div>
              )}
            </Match>
            <Match when={places().length === 0}>
              <p class="status empty">No places within {radiusText()}.</p>
            </Match>
            <Match when={places().length > 0}>
              <ol class="place-list">
                <For each={places()}>
                  {(place) => (
                    <li class="place">
                      <span class="place-name">{place.name}</span>
                      <span class="place-category">{categoryLabel(place.category)}</span>
                      <span class="place-distance">{formatDistance(place.distance_m)}</span>
                    </li>
                  )}
                </For>
              </ol>
            </Match>
          </Switch>
        </section>

        <section class="map-panel" aria-label="Map">
          <Show when={position()} fallback={<div class="map-placeholder">Waiting for a location…</div>}>
            {(located) => (
              <Suspense fallback={<div class="map-placeholder">Loading map…</div>}>
                <MapView centre={located().centre} places={places()} />
              </Suspense>
            )}
          </Show>
        </section>
      </main>
    </div>
  );
}
