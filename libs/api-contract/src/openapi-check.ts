import { z } from 'zod';
import { contractSchemas } from './index.ts';

/** One way in which the OpenAPI document and the contract disagree. */
export interface ContractMismatch {
  /** The component name, e.g. `Place`. */
  schema: string;
  /** The property that differs; absent when the whole schema differs. */
  property?: string;
  /** A sentence a person can act on. */
  message: string;
}

type JsonSchema = { readonly [key: string]: unknown };
type Components = { readonly [name: string]: JsonSchema };

/** The parts of a property's schema the check compares, with `$ref`, `allOf` and null unions unwrapped. */
interface Shape {
  type: string;
  nullable: boolean;
  format?: string;
  enumValues?: readonly unknown[];
  /** The component an object reference points at. */
  ref?: string;
  items?: Shape;
}

// Only formats that change what the frontend parses are compared; `uri`, `email` etc. stay plain strings.
const COMPARED_FORMATS = new Set(['uuid', 'date-time']);

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNullSchema = (value: unknown) => isObject(value) && value.type === 'null';

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function toShape(node: JsonSchema, components: Components): Shape {
  if (typeof node.$ref === 'string') {
    const name = refName(node.$ref);
    const target = components[name];
    // An enum is compared by its values, so an inline `Literal[...]` matches a referenced enum.
    if (target && Array.isArray(target.enum)) return toShape(target, components);
    return { type: 'object', nullable: false, ref: name };
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const members = node[key];
    if (!Array.isArray(members)) continue;
    const nonNull = members.filter((member) => !isNullSchema(member));
    const [only] = nonNull;
    if (nonNull.length === 1 && isObject(only)) {
      const shape = toShape(only, components);
      return { ...shape, nullable: shape.nullable || nonNull.length < members.length || node.nullable === true };
    }
    return { type: `${key} of ${nonNull.length} schemas`, nullable: nonNull.length < members.length };
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const nonNullTypes = types.filter((type) => type !== 'null' && type !== undefined);
  const shape: Shape = {
    type: nonNullTypes.length > 0 ? nonNullTypes.join(' | ') : 'any',
    nullable: types.includes('null') || node.nullable === true,
  };
  if (typeof node.format === 'string' && COMPARED_FORMATS.has(node.format)) shape.format = node.format;
  if (Array.isArray(node.enum)) shape.enumValues = node.enum;
  else if ('const' in node) shape.enumValues = [node.const];
  if (isObject(node.items)) shape.items = toShape(node.items, components);
  return shape;
}

const quote = (value: unknown) => JSON.stringify(value);

/** Sentences naming each way `openApi` differs from `contract`, for the property called `label`. */
function compareShapes(label: string, openApi: Shape, contract: Shape): string[] {
  const differences: string[] = [];
  if (openApi.ref !== contract.ref) {
    differences.push(
      `${label} refers to ${openApi.ref ?? `an inline ${openApi.type}`} in the OpenAPI document but to ${contract.ref ?? `an inline ${contract.type}`} in the contract`,
    );
    return differences;
  }
  if (openApi.type !== contract.type) {
    differences.push(`${label} has type ${openApi.type} in the OpenAPI document but ${contract.type} in the contract`);
  }
  if (openApi.nullable !== contract.nullable) {
    differences.push(
      `${label} is ${openApi.nullable ? 'nullable' : 'not nullable'} in the OpenAPI document but ${contract.nullable ? 'nullable' : 'not nullable'} in the contract`,
    );
  }
  if (openApi.format !== contract.format) {
    differences.push(
      `${label} has format ${openApi.format ?? 'none'} in the OpenAPI document but ${contract.format ?? 'none'} in the contract`,
    );
  }
  const openApiValues = openApi.enumValues ?? [];
  const contractValues = contract.enumValues ?? [];
  for (const value of contractValues.filter((v) => !openApiValues.includes(v))) {
    differences.push(`${label} allows ${quote(value)} in the contract but not in the OpenAPI document`);
  }
  for (const value of openApiValues.filter((v) => !contractValues.includes(v))) {
    differences.push(`${label} allows ${quote(value)} in the OpenAPI document but not in the contract`);
  }
  if (openApi.items && contract.items) {
    differences.push(...compareShapes(`${label} items`, openApi.items, contract.items));
  }
  return differences;
}

const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> =>
  isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};

const requiredOf = (schema: JsonSchema): Set<unknown> =>
  new Set(Array.isArray(schema.required) ? schema.required : []);

function compareObjectSchemas(
  name: string,
  openApi: JsonSchema,
  openApiComponents: Components,
  contract: JsonSchema,
  contractComponents: Components,
): ContractMismatch[] {
  const mismatches: ContractMismatch[] = [];
  const add = (property: string, message: string) => mismatches.push({ schema: name, property, message });
  const openApiProperties = propertiesOf(openApi);
  const contractProperties = propertiesOf(contract);
  const openApiRequired = requiredOf(openApi);
  const contractRequired = requiredOf(contract);

  for (const [property, contractProperty] of Object.entries(contractProperties)) {
    const label = `${name}.${property}`;
    const openApiProperty = openApiProperties[property];
    if (!openApiProperty) {
      add(property, `${label} is in the contract but missing from the OpenAPI document`);
      continue;
    }
    if (openApiRequired.has(property) !== contractRequired.has(property)) {
      const state = (required: boolean) => (required ? 'required' : 'optional');
      add(
        property,
        `${label} is ${state(openApiRequired.has(property))} in the OpenAPI document but ${state(contractRequired.has(property))} in the contract`,
      );
    }
    const differences = compareShapes(
      label,
      toShape(openApiProperty, openApiComponents),
      toShape(contractProperty, contractComponents),
    );
    for (const message of differences) add(property, message);
  }
  for (const property of Object.keys(openApiProperties).filter((p) => !(p in contractProperties))) {
    add(property, `${name}.${property} is in the OpenAPI document but missing from the contract`);
  }
  return mismatches;
}

/** The contract schemas as JSON Schema, each referring to the others by component name as OpenAPI does. */
function contractAsJsonSchema(schemas: Readonly<Record<string, z.ZodType>>): Components {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(schemas)) registry.add(schema, { id: name });
  return z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` }).schemas as Components;
}

function openApiComponents(doc: unknown): Components {
  if (!isObject(doc) || !isObject(doc.components) || !isObject(doc.components.schemas)) return {};
  return doc.components.schemas as Components;
}

/**
 * Compares every contract schema with the component of the same name in an OpenAPI document:
 * property names, required set, JSON types, nullability, enum values, `uuid`/`date-time` formats and
 * array item references. Returns no mismatches when they agree.
 */
export function compareWithOpenApi(
  doc: unknown,
  schemas: Readonly<Record<string, z.ZodType>> = contractSchemas,
): ContractMismatch[] {
  const fromOpenApi = openApiComponents(doc);
  const fromContract = contractAsJsonSchema(schemas);
  return Object.keys(schemas).flatMap((name): ContractMismatch[] => {
    const openApi = fromOpenApi[name];
    const contract = fromContract[name];
    if (!contract) throw new Error(`the contract schema ${name} produced no JSON Schema`);
    if (!openApi) {
      return [{ schema: name, message: `${name} is in the contract but missing from components.schemas of the OpenAPI document` }];
    }
    const openApiShape = toShape(openApi, fromOpenApi);
    const contractShape = toShape(contract, fromContract);
    if (contractShape.type === 'object' && openApiShape.type === 'object') {
      return compareObjectSchemas(name, openApi, fromOpenApi, contract, fromContract);
    }
    return compareShapes(name, openApiShape, contractShape).map((message) => ({ schema: name, message }));
  });
}
