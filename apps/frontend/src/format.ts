import { type PlaceCategory } from '@satvach/api-contract';

const CATEGORY_LABELS: Record<PlaceCategory, string> = {
  cafe: 'Café',
  restaurant: 'Restaurant',
  park: 'Park',
  shop: 'Shop',
  event: 'Event',
  service: 'Service',
  other: 'Other',
};

export function categoryLabel(category: PlaceCategory): string {
  return CATEGORY_LABELS[category];
}

/** Whole metres below a kilometre, kilometres with one decimal from there on. */
export function formatDistance(metres: number): string {
  const rounded = Math.round(metres);
  // 999.6 m rounds to 1000 m, which reads better as "1.0 km".
  if (rounded < 1000) return `${rounded} m`;
  return `${(metres / 1000).toFixed(1)} km`;
}

/** A search radius as a person says it: "500 m", "1 km", "5 km". */
export function formatRadius(metres: number): string {
  return metres < 1000 ? `${metres} m` : `${metres / 1000} km`;
}
