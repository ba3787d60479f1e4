import { type NearbyPlace } from '../index.ts';

/** A place the contract accepts (a restaurant in Pune, no photo), for tests; `change` overrides fields. */
export const nearbyPlace = (change: Partial<NearbyPlace> = {}): NearbyPlace => ({
  id: '3f2b8c1e-4a5d-4e6f-9a7b-1c2d3e4f5a6b',
  name: 'Vaishali',
  category: 'restaurant',
  lat: 18.5204,
  lon: 73.8567,
  created_at: '2025-01-31T08:15:00Z',
  has_photo: false,
  distance_m: 42.5,
  ...change,
});
