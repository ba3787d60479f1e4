import { type NearbyPlace } from '@satvach/api-contract';
import maplibregl, { type GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createEffect, createSignal, onCleanup, onMount } from 'solid-js';
import { type Centre } from './geo.ts';
import {
  boundsOf,
  CENTRE_SOURCE,
  centreToGeoJson,
  PLACES_SOURCE,
  placesMapStyle,
  placesToGeoJson,
} from './map-style.ts';

export interface PlacesMapProps {
  centre: Centre;
  places: readonly NearbyPlace[];
}

const CENTRE_ZOOM = 14;

export function PlacesMap(props: PlacesMapProps) {
  let container!: HTMLDivElement;

  onMount(() => {
    const map = new maplibregl.Map({
      container,
      style: placesMapStyle(props.centre, props.places),
      center: [props.centre.lon, props.centre.lat],
      zoom: CENTRE_ZOOM,
      attributionControl: false,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const [loaded, setLoaded] = createSignal(false);
    map.once('load', () => setLoaded(true));

    // Sources can only be updated once the style has loaded; until then the initial style holds the data.
    createEffect(() => {
      const { centre, places } = props;
      if (!loaded()) return;
      map.getSource<GeoJSONSource>(PLACES_SOURCE)?.setData(placesToGeoJson(places));
      map.getSource<GeoJSONSource>(CENTRE_SOURCE)?.setData(centreToGeoJson(centre));
      if (places.length === 0) map.jumpTo({ center: [centre.lon, centre.lat], zoom: CENTRE_ZOOM });
      else map.fitBounds(boundsOf(centre, places), { padding: 48, maxZoom: 16, duration: 0 });
    });

    onCleanup(() => map.remove());
  });

  return (
    <div
      ref={container}
      class="places-map"
      role="img"
      aria-label={`Map of ${props.places.length} ${props.places.length === 1 ? 'place' : 'places'} around the search centre`}
    />
  );
}
