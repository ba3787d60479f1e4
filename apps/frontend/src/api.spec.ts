// @vitest-environment node
import { nearbyPlace } from '@satvach/api-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError, createApiClient } from './api.ts';
import { closedPortUrl, type FakeApi, startFakeApi } from './fake-api-server.ts';

const place = nearbyPlace({ has_photo: true, distance_m: 120.5 });
const nearbyBody = { items: [place], radius_m: 1000, limit: 50 };
const query = { lat: 18.5204, lon: 73.8567, radiusM: 1000 };

let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});

afterAll(() => api.close());

async function rejection(promise: Promise<unknown>): Promise<ApiRequestError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiRequestError);
  return error as ApiRequestError;
}

describe('createApiClient().nearby', () => {
  it('parses a valid response', async () => {
    api.respond(() => ({ status: 200, body: nearbyBody }));
    const client = createApiClient({ baseUrl: api.baseUrl });

    await expect(client.nearby(query)).resolves.toEqual(nearbyBody);
  });

  it('sends exactly lat, lon and radius_m, and limit when given', async () => {
    api.respond(() => ({ status: 200, body: nearbyBody }));
    const client = createApiClient({ baseUrl: api.baseUrl });
    const before = api.requests.length;

    await client.nearby(query);
    await client.nearby({ lat: -33.5, lon: 151.25, radiusM: 500, limit: 10 });

    expect(api.requests.slice(before)).toEqual([
      '/api/v1/places/nearby?lat=18.5204&lon=73.8567&radius_m=1000',
      '/api/v1/places/nearby?lat=-33.5&lon=151.25&radius_m=500&limit=10',
    ]);
  });

  it('turns a 422 ApiError into an http error with status, message and fields', async () => {
    const body = {
      error: 'validation_failed',
      message: 'The request has invalid fields.',
      fields: [{ field: 'radius_m', message: 'must be at most 50000' }],
    };
    api.respond(() => ({ status: 422, body }));

    const error = await rejection(createApiClient({ baseUrl: api.baseUrl }).nearby({ ...query, radiusM: 99_999 }));

    expect(error).toMatchObject({ kind: 'http', status: 422, message: 'The request has invalid fields.', body });
    expect(error.fields).toEqual([{ field: 'radius_m', message: 'must be at most 50000' }]);
  });

  it('turns a 500 with a non-JSON body into an http error with a human message', async () => {
    api.respond(() => ({ status: 500, body: '<html>Internal Server Error</html>', contentType: 'text/html' }));

    const error = await rejection(createApiClient({ baseUrl: api.baseUrl }).nearby(query));

    expect(error).toMatchObject({ kind: 'http', status: 500, body: undefined, fields: [] });
    expect(error.message).toBe('The server could not answer (HTTP 500 Internal Server Error). Please try again.');
  });

  it('reports a refused connection as a network error', async () => {
    const error = await rejection(createApiClient({ baseUrl: await closedPortUrl() }).nearby(query));

    expect(error.kind).toBe('network');
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^Could not reach the SatVach server/);
  });

  it('reports a body that breaks the contract as an invalid response naming the field', async () => {
    api.respond(() => ({ status: 200, body: { ...nearbyBody, items: [{ ...place, distance_m: 'near' }] } }));

    const error = await rejection(createApiClient({ baseUrl: api.baseUrl }).nearby(query));

    expect(error.kind).toBe('invalid-response');
    expect(error.message).toMatch(/^The server sent an unexpected response: items\.0\.distance_m: /);
  });

  it('reports a 200 that is not JSON as an invalid response', async () => {
    api.respond(() => ({ status: 200, body: 'ok' }));

    const error = await rejection(createApiClient({ baseUrl: api.baseUrl }).nearby(query));

    expect(error).toMatchObject({ kind: 'invalid-response', message: 'The server sent a response that is not JSON.' });
  });

  it('lets an aborted request reject with the abort, not as a network failure', async () => {
    api.respond(() => new Promise(() => undefined));
    const controller = new AbortController();
    const pending = createApiClient({ baseUrl: api.baseUrl }).nearby(query, controller.signal);

    controller.abort();

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
