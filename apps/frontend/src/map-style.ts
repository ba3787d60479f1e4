import { type NearbyPlace } from '@satvach/api-contract';
import type { FeatureCollection, Point } from 'geojson';
// `import type` is erased whole, so this module can be tested without loading MapLibre.
import type { LngLatBoundsLike, StyleSpecification } from 'maplibre-gl';
import { type Centre } from './geo.ts';

export const PLACES_SOURCE = 'places';
export const CENTRE_SOURCE = 'centre';

type PlaceProperties = Pick<NearbyPlace, 'id' | 'name' | 'category'>;

export function placesToGeoJson(places: readonly NearbyPlace[]): FeatureCollection<Point, PlaceProperties> {
  return {
    type: 'FeatureCollection',
    features: places.map((place) => ({
      type: 'Feature',
      id: place.id,
      geometry: { type: 'Point', coordinates: [place.lon, place.lat] },
      properties: { id: place.id, name: place.name, category: place.category },
    })),
  };
}

export function centreToGeoJson(centre: Centre): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [centre.lon, centre.lat] }, properties: {} }],
  };
}

/**
 * A self-contained style: a plain background and two GeoJSON circle layers. It names no tiles,
 * glyphs or sprites, so drawing the map never leaves the page's origin.
 */
export function placesMapStyle(centre: Centre, places: readonly NearbyPlace[]): StyleSpecification {
  return {
    version: 8,
    sources: {
      [PLACES_SOURCE]: { type: 'geojson', data: placesToGeoJson(places) },
      [CENTRE_SOURCE]: { type: 'geojson', data: centreToGeoJson(centre) },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef3ee' } },
      {
        id: 'centre',
        type: 'circle',
        source: CENTRE_SOURCE,
        paint: {
          'circle-radius': 9,
          'circle-color': '#1d4ed8',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 3,
        },
      },
      {
        id: 'places',
        type: 'circle',
        source: PLACES_SOURCE,
        paint: {
          'circle-radius': 7,
          'circle-color': '#c2410c',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
    ],
  };
}

/** The south-west and north-east corners enclosing the centre and every place. */
export function boundsOf(centre: Centre, places: readonly NearbyPlace[]): LngLatBoundsLike {
  const lons = [centre.lon, ...places.map((place) => place.lon)];
  const lats = [centre.lat, ...places.map((place) => place.lat)];
  return [
    [Math.min(...lons), Math.min(...lats)],
    [Math.max(...lons), Math.max(...lats)],
  ];
}
