import { describe, expect, it } from 'vitest';
import { ApiError, DependencyUnavailable, NearbyResponse, PLACE_CATEGORIES, PlaceCategory, PlaceCreate, contractSchemas } from './index.ts';
import { nearbyPlace } from './testing/index.ts';

const place = nearbyPlace();

const nearby = { items: [place], radius_m: 1000, limit: 50 };

describe('contract schemas', () => {
  it('accept a valid nearby response', () => {
    expect(NearbyResponse.parse(nearby)).toEqual(nearby);
  });

  it('accept a UTC offset written as +00:00, as some serializers do', () => {
    const withOffset = { ...place, created_at: '2025-01-31T08:15:00.123456+00:00' };
    expect(NearbyResponse.safeParse({ ...nearby, items: [withOffset] }).success).toBe(true);
  });

  it.each([
    ['a non-UUID id', { id: '42' }, 'id'],
    ['an unknown category', { category: 'bar' }, 'category'],
    ['a latitude beyond 90', { lat: 91 }, 'lat'],
    ['a longitude beyond -180', { lon: -180.5 }, 'lon'],
    ['a negative distance', { distance_m: -1 }, 'distance_m'],
    ['a date that is not ISO 8601', { created_at: '31/01/2025' }, 'created_at'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name over 120 characters', { name: 'x'.repeat(121) }, 'name'],
  ])('reject a place with %s', (_case, change, field) => {
    const result = NearbyResponse.safeParse({ ...nearby, items: [{ ...place, ...change }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['items', 0, field]]);
  });

  it('reject a response without the required limit', () => {
    const { limit: _limit, ...withoutLimit } = nearby;
    expect(NearbyResponse.safeParse(withoutLimit).error?.issues[0]?.path).toEqual(['limit']);
  });

  it('reject a fractional limit, which the contract types as an integer', () => {
    expect(NearbyResponse.safeParse({ ...nearby, limit: 2.5 }).success).toBe(false);
  });

  it('parse an API error with field errors', () => {
    const body = { error: 'validation_failed', message: 'Invalid request', fields: [{ field: 'lat', message: 'too big' }] };
    expect(ApiError.parse(body)).toEqual(body);
    expect(ApiError.safeParse({ error: 'internal', message: 'boom' }).success).toBe(false);
  });

  it('parse a 503 naming the unavailable dependency, and only a known one', () => {
    const body = { error: 'dependency_unavailable', message: 'the database is unavailable; try again in 5 s', fields: [], dependency: 'database' };
    expect(DependencyUnavailable.parse(body)).toEqual(body);
    expect(ApiError.parse(body)).toEqual({ error: body.error, message: body.message, fields: [] });
    expect(DependencyUnavailable.safeParse({ ...body, dependency: 'redis' }).success).toBe(false);
  });

  it('trim a new place name and keep only the creatable fields', () => {
    expect(PlaceCreate.parse({ name: '  Cafe Goodluck ', category: 'cafe', lat: 18.5, lon: 73.8, id: 'x' })).toEqual({
      name: 'Cafe Goodluck',
      category: 'cafe',
      lat: 18.5,
      lon: 73.8,
    });
  });

  it('export the category list the enum is made of', () => {
    expect(PlaceCategory.options).toEqual([...PLACE_CATEGORIES]);
  });

  it('name every component of the contract', () => {
    expect(Object.keys(contractSchemas).sort()).toEqual([
      'ApiError',
      'DependencyUnavailable',
      'FieldError',
      'NearbyPlace',
      'NearbyResponse',
      'PhotoLink',
      'PhotoUploaded',
      'Place',
      'PlaceCategory',
      'PlaceCreate',
    ]);
  });
});
