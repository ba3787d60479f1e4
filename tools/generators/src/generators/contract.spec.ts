import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pluginRoot = join(import.meta.dirname, '../..');
const registry = JSON.parse(readFileSync(join(pluginRoot, 'generators.json'), 'utf8')) as { generators: Record<string, { factory: string; schema: string; description: string }> };
const generators = Object.entries(registry.generators);

interface GeneratorSchema {
  $id: string;
  properties: Record<string, { default?: unknown; description?: string; 'x-prompt'?: string }>;
  required?: string[];
}

describe('every registered generator keeps the generator contract', () => {
  it('package.json points Nx at generators.json, which registers exactly the generator folders there are', () => {
    expect(JSON.parse(readFileSync(join(pluginRoot, 'package.json'), 'utf8'))).toMatchObject({ generators: './generators.json' });
    const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(import.meta.dirname, entry.name, 'generator.ts')))
      .map((entry) => entry.name);
    expect(generators.map(([name]) => name).sort()).toEqual(folders.sort());
  });

  it.each(generators)('%s: registered at its folder, $id, every option described, a prompt for each required one, schema defaults equal the code defaults', async (name, registration) => {
    expect(registration).toMatchObject({ factory: `./src/generators/${name}/generator.ts`, schema: `./src/generators/${name}/schema.json` });
    expect(registration.description).toBeTruthy();
    const schema = JSON.parse(readFileSync(join(pluginRoot, registration.schema), 'utf8')) as GeneratorSchema;
    expect(schema.$id).toMatch(/^Satvach/);
    for (const [key, property] of Object.entries(schema.properties)) expect(property.description, `${name}: ${key} has no description`).toBeTruthy();
    for (const key of schema.required ?? []) expect(schema.properties[key]?.['x-prompt'], `${name}: required ${key} has no x-prompt`).toBeTruthy();
    const module = (await import(join(pluginRoot, registration.factory))) as Record<string, unknown>;
    expect(typeof module.default).toBe('function');
    const defaultsName = `${name.toUpperCase().replaceAll('-', '_')}_DEFAULTS`;
    const schemaDefaults = Object.fromEntries(Object.entries(schema.properties).filter(([, p]) => p.default !== undefined).map(([key, p]) => [key, p.default]));
    expect(schemaDefaults, `${name}: schema defaults vs ${defaultsName}`).toEqual(module[defaultsName]);
  });

  it('new-runbook takes the alert name as its first positional argument and offers exactly the contract severities', async () => {
    const schema = JSON.parse(readFileSync(join(pluginRoot, registry.generators['new-runbook']!.schema), 'utf8')) as { properties: Record<string, Record<string, unknown>> };
    const { SEVERITIES } = await import('@satvach/runbooks');
    expect(schema.properties.name!.$default).toEqual({ $source: 'argv', index: 0 });
    expect(schema.properties.severity!.enum).toEqual([...SEVERITIES]);
  });
});
