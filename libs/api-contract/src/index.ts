import { z } from 'zod';

// Zod mirrors of the SatVach HTTP API contract. Each schema's name is the pydantic model name the
// backend publishes under `components.schemas` in its OpenAPI document (see `contractSchemas`).

export const PLACE_CATEGORIES = ['cafe', 'restaurant', 'park', 'shop', 'event', 'service', 'other'] as const;

export const PlaceCategory = z.enum(PLACE_CATEGORIES);
export type PlaceCategory = z.infer<typeof PlaceCategory>;

export const Place = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(120),
  category: PlaceCategory,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  created_at: z.iso.datetime({ offset: true }),
  has_photo: z.boolean(),
});
export type Place = z.infer<typeof Place>;

export const NearbyPlace = Place.extend({
  distance_m: z.number().min(0),
});
export type NearbyPlace = z.infer<typeof NearbyPlace>;

export const NearbyResponse = z.object({
  items: z.array(NearbyPlace),
  radius_m: z.number(),
  limit: z.int(),
});
export type NearbyResponse = z.infer<typeof NearbyResponse>;

export const PlaceCreate = Place.pick({ name: true, category: true, lat: true, lon: true });
export type PlaceCreate = z.infer<typeof PlaceCreate>;

export const PhotoUploaded = z.object({
  place_id: z.string(),
  content_type: z.string(),
  size_bytes: z.int(),
});
export type PhotoUploaded = z.infer<typeof PhotoUploaded>;

export const PhotoLink = z.object({
  url: z.string(),
  expires_in_s: z.int(),
});
export type PhotoLink = z.infer<typeof PhotoLink>;

export const FieldError = z.object({
  field: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

export const ApiError = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(FieldError),
});
export type ApiError = z.infer<typeof ApiError>;

/** A 503: the database or the photo store is unreachable; the response's Retry-After says when to retry. */
export const DependencyUnavailable = ApiError.extend({
  dependency: z.enum(['database', 'storage']),
});
export type DependencyUnavailable = z.infer<typeof DependencyUnavailable>;

/** Every contract schema under the component name the backend's OpenAPI document uses for it. */
export const contractSchemas = {
  PlaceCategory,
  Place,
  NearbyPlace,
  NearbyResponse,
  PlaceCreate,
  PhotoUploaded,
  PhotoLink,
  FieldError,
  ApiError,
  DependencyUnavailable,
} as const satisfies Record<string, z.ZodType>;
