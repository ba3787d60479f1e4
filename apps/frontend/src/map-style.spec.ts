// @vitest-environment node
import { type NearbyPlace } from '@satvach/api-contract';
import { describe, expect, it } from 'vitest';
import { boundsOf, placesMapStyle, placesToGeoJson } from './map-style.ts';

const place = (id: string, lat: number, lon: number): NearbyPlace => ({
  id,
  name: `Place ${id}`,
  category: 'park',
  lat,
  lon,
  created_at: '2025-01-31T08:15:00Z',
  has_photo: false,
  distance_m: 10,
});

const centre = { lat: 18.52, lon: 73.85 };

describe('placesMapStyle', () => {
  it('is a version 8 style with a background, the places and the centre, and no URL anywhere', () => {
    const style = placesMapStyle(centre, [place('a', 18.53, 73.86)]);

    expect(style.version).toBe(8);
    expect(style.layers.map((layer) => [layer.id, layer.type])).toEqual([
      ['background', 'background'],
      ['centre', 'circle'],
      ['places', 'circle'],
    ]);
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
    for (const source of Object.values(style.sources)) expect(source.type).toBe('geojson');
    expect(JSON.stringify(style)).not.toMatch(/https?:|\/\/|tiles|"url"/);
  });
});

describe('placesToGeoJson', () => {
  it('puts each place at [lon, lat] with its id, name and category', () => {
    expect(placesToGeoJson([place('a', 18.53, 73.86)]).features).toEqual([
      {
        type: 'Feature',
        id: 'a',
        geometry: { type: 'Point', coordinates: [73.86, 18.53] },
        properties: { id: 'a', name: 'Place a', category: 'park' },
      },
    ]);
  });
});

describe('boundsOf', () => {
  it('encloses the centre and every place', () => {
    expect(boundsOf(centre, [place('a', 18.6, 73.8), place('b', 18.5, 73.9)])).toEqual([
      [73.8, 18.5],
      [73.9, 18.6],
    ]);
  });
});
