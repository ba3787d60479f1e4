import { type NearbyPlace } from '@satvach/api-contract';
import { nearbyPlace } from '@satvach/api-contract/testing';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { createEffect } from 'solid-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from './api.ts';
import { App } from './App.tsx';
import { type FakeApi, type Reply, startFakeApi } from './fake-api-server.ts';
import { type PositionResult } from './geo.ts';
import type { PlacesMapProps } from './PlacesMap.tsx';

const placeAt = (id: string, name: string, category: NearbyPlace['category'], distance_m: number): NearbyPlace =>
  nearbyPlace({ id, name, category, lat: 18.52 + distance_m / 1e6, lon: 73.85, distance_m });

const places = [
  placeAt('0b6f8a52-6a43-4c7e-9a35-6f0a4c3b2d11', 'Vaishali', 'restaurant', 120.4),
  placeAt('7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', 'Empress Garden', 'park', 2345),
];
const nearby = (items: NearbyPlace[], radius_m = 1000): Reply => ({ status: 200, body: { items, radius_m, limit: 50 } });

const here: PositionResult = { source: 'device', centre: { lat: 18.53, lon: 73.84 } };

let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});

afterEach(() => {
  cleanup();
  api.requests.length = 0;
});

afterAll(() => api.close());

/** Renders App against the local server with a map stand-in that records every list of places it is given. */
function renderApp(position: PositionResult = here) {
  const mapCalls: (readonly NearbyPlace[])[] = [];
  function RecordingMap(props: PlacesMapProps) {
    createEffect(() => mapCalls.push(props.places));
    return <div data-testid="map" />;
  }
  render(() => (
    <App api={createApiClient({ baseUrl: api.baseUrl })} locate={() => Promise.resolve(position)} Map={RecordingMap} />
  ));
  return { mapCalls };
}

describe('App', () => {
  it('shows a loading state while the places are on their way', async () => {
    let answer: (reply: Reply) => void = () => undefined;
    api.respond(() => new Promise((resolve) => (answer = resolve)));
    renderApp();

    expect(await screen.findByText('Loading places within 1 km…')).toBeTruthy();
    await waitFor(() => expect(api.requests).toEqual(['/api/v1/places/nearby?lat=18.53&lon=73.84&radius_m=1000']));
    expect(screen.getByText('Loading places within 1 km…')).toBeTruthy();

    answer(nearby(places));
    expect(await screen.findByText('Vaishali')).toBeTruthy();
    expect(screen.queryByText('Loading places within 1 km…')).toBeNull();
  });

  it('lists the places with category labels and formatted distances, and gives the map the same places', async () => {
    api.respond(() => nearby(places));
    const { mapCalls } = renderApp();

    const list = await screen.findByRole('list');
    const rows = within(list)
      .getAllByRole('listitem')
      .map((item) => [...item.children].map((child) => child.textContent));
    expect(rows).toEqual([
      ['Vaishali', 'Restaurant', '120 m'],
      ['Empress Garden', 'Park', '2.3 km'],
    ]);
    expect(mapCalls.at(-1)).toEqual(places);
  });

  it('says so when there are no places within the radius', async () => {
    api.respond(() => nearby([]));
    const { mapCalls } = renderApp();

    expect(await screen.findByText('No places within 1 km.')).toBeTruthy();
    expect(mapCalls.at(-1)).toEqual([]);
  });

  it('searches again with the radius the user picks', async () => {
    api.respond((url) => nearby([], Number(url.searchParams.get('radius_m'))));
    renderApp();
    await screen.findByText('No places within 1 km.');

    fireEvent.change(screen.getByLabelText('Search within'), { target: { value: '5000' } });

    expect(await screen.findByText('No places within 5 km.')).toBeTruthy();
    expect(api.requests.at(-1)).toBe('/api/v1/places/nearby?lat=18.53&lon=73.84&radius_m=5000');
  });

  it('never lets a slow answer for an old radius replace the answer for the new one', async () => {
    let answerFirst: (reply: Reply) => void = () => undefined;
    api.respond((url) =>
      url.searchParams.get('radius_m') === '1000' ? new Promise((resolve) => (answerFirst = resolve)) : nearby([], 5000),
    );
    renderApp();
    await waitFor(() => expect(api.requests).toHaveLength(1));

    fireEvent.change(screen.getByLabelText('Search within'), { target: { value: '5000' } });
    await screen.findByText('No places within 5 km.');
    answerFirst(nearby(places));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(screen.getByText('No places within 5 km.')).toBeTruthy();
    expect(screen.queryByText('Vaishali')).toBeNull();
  });

  it('shows the API error with its field errors, and retries on request', async () => {
    api.respond(() => ({
      status: 422,
      body: { error: 'validation_failed', message: 'The search has invalid fields.', fields: [{ field: 'lat', message: 'must be at most 90' }] },
    }));
    renderApp();

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The search has invalid fields.');
    expect(alert.textContent).toContain('lat: must be at most 90');
    expect(api.requests).toHaveLength(1);

    api.respond(() => nearby(places));
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('Empress Garden')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(api.requests).toHaveLength(2);
  });

  it('falls back to Pune when location is denied, says why, and searches there', async () => {
    api.respond(() => nearby([]));
    renderApp({ source: 'default', centre: { lat: 18.5204, lon: 73.8567 }, reason: 'permission-denied' });

    expect(await screen.findByText('Showing places near Pune because location access was denied.')).toBeTruthy();
    await screen.findByText('No places within 1 km.');
    expect(api.requests).toEqual(['/api/v1/places/nearby?lat=18.5204&lon=73.8567&radius_m=1000']);
  });
});
