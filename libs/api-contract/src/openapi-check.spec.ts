import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compareWithOpenApi } from './openapi-check.ts';

type Schema = Record<string, any>;
type Doc = { components: { schemas: Record<string, Schema> } };

const fixture: Doc = JSON.parse(readFileSync(new URL('./fixtures/openapi.json', import.meta.url), 'utf8'));

/** A copy of the matching fixture changed by `mutate`, so each test starts from a known-good document. */
function mutated(mutate: (schemas: Record<string, Schema>) => void): Doc {
  const doc = structuredClone(fixture);
  mutate(doc.components.schemas);
  return doc;
}

describe('compareWithOpenApi', () => {
  it('finds nothing to report in a matching FastAPI-style document', () => {
    expect(compareWithOpenApi(fixture)).toEqual([]);
  });

  it('reports a property missing from the document', () => {
    const doc = mutated((s) => {
      delete s.Place!.properties.has_photo;
      s.Place!.required = s.Place!.required.filter((name: string) => name !== 'has_photo');
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'Place',
        property: 'has_photo',
        message: 'Place.has_photo is in the contract but missing from the OpenAPI document',
      },
    ]);
  });

  it('reports a property the contract does not know', () => {
    const doc = mutated((s) => {
      s.FieldError!.properties.code = { type: 'string' };
    });
    expect(compareWithOpenApi(doc)).toEqual([
      { schema: 'FieldError', property: 'code', message: 'FieldError.code is in the OpenAPI document but missing from the contract' },
    ]);
  });

  it('reports a changed JSON type, telling integer from number', () => {
    const doc = mutated((s) => {
      s.NearbyResponse!.properties.radius_m = { type: 'integer', title: 'Radius M' };
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'NearbyResponse',
        property: 'radius_m',
        message: 'NearbyResponse.radius_m has type integer in the OpenAPI document but number in the contract',
      },
    ]);
  });

  it('reports an enum value the document lacks, through the $ref to the enum component', () => {
    const doc = mutated((s) => {
      s.PlaceCategory!.enum = s.PlaceCategory!.enum.filter((value: string) => value !== 'event');
    });
    expect(compareWithOpenApi(doc)).toEqual([
      { schema: 'PlaceCategory', message: 'PlaceCategory allows "event" in the contract but not in the OpenAPI document' },
      { schema: 'Place', property: 'category', message: 'Place.category allows "event" in the contract but not in the OpenAPI document' },
      {
        schema: 'NearbyPlace',
        property: 'category',
        message: 'NearbyPlace.category allows "event" in the contract but not in the OpenAPI document',
      },
      {
        schema: 'PlaceCreate',
        property: 'category',
        message: 'PlaceCreate.category allows "event" in the contract but not in the OpenAPI document',
      },
    ]);
  });

  it('accepts an inline enum with the same values as the referenced one', () => {
    const doc = mutated((s) => {
      s.Place!.properties.category = { type: 'string', enum: [...s.PlaceCategory!.enum] };
    });
    expect(compareWithOpenApi(doc)).toEqual([]);
  });

  it('reports a field that is not required in the document', () => {
    const doc = mutated((s) => {
      s.ApiError!.required = ['error', 'message'];
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'ApiError',
        property: 'fields',
        message: 'ApiError.fields is optional in the OpenAPI document but required in the contract',
      },
    ]);
  });

  it('reports a different string format', () => {
    const doc = mutated((s) => {
      s.Place!.properties.created_at = { type: 'string', format: 'date', title: 'Created At' };
      s.Place!.properties.id = { type: 'string', title: 'Id' };
    });
    expect(compareWithOpenApi(doc).map((m) => m.message)).toEqual([
      'Place.id has format none in the OpenAPI document but uuid in the contract',
      'Place.created_at has format none in the OpenAPI document but date-time in the contract',
    ]);
  });

  it('unwraps anyOf with a null member and reports the nullability', () => {
    const doc = mutated((s) => {
      s.PhotoLink!.properties.url = { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Url' };
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'PhotoLink',
        property: 'url',
        message: 'PhotoLink.url is nullable in the OpenAPI document but not nullable in the contract',
      },
    ]);
  });

  it('matches a nullable contract field against anyOf with a null member', () => {
    const doc = mutated((s) => {
      s.PhotoLink!.properties.url = { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Url' };
    });
    const schemas = { PhotoLink: z.object({ url: z.string().nullable(), expires_in_s: z.int() }) };
    expect(compareWithOpenApi(doc, schemas)).toEqual([]);
  });

  it('reports array items that refer to another component', () => {
    const doc = mutated((s) => {
      s.NearbyResponse!.properties.items.items = { $ref: '#/components/schemas/Place' };
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'NearbyResponse',
        property: 'items',
        message: 'NearbyResponse.items items refers to Place in the OpenAPI document but to NearbyPlace in the contract',
      },
    ]);
  });

  it('reports a component missing from the document', () => {
    const doc = mutated((s) => {
      delete s.PhotoUploaded;
    });
    expect(compareWithOpenApi(doc)).toEqual([
      {
        schema: 'PhotoUploaded',
        message: 'PhotoUploaded is in the contract but missing from components.schemas of the OpenAPI document',
      },
    ]);
  });

  it('reports every schema as missing when the document has no components', () => {
    expect(compareWithOpenApi({ openapi: '3.1.0' }).map((m) => m.schema)).toEqual([
      'PlaceCategory',
      'Place',
      'NearbyPlace',
      'NearbyResponse',
      'PlaceCreate',
      'PhotoUploaded',
      'PhotoLink',
      'FieldError',
      'ApiError',
      'DependencyUnavailable',
    ]);
  });
});
