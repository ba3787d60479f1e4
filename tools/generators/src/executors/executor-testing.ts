// Shared by the executors' specs: their schema.json files and an ExecutorContext for this workspace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';
import { expect } from 'vitest';

const executorsDir = import.meta.dirname;

interface ExecutorSchema {
  $id: string;
  properties: Record<string, { default?: unknown; description?: string }>;
}

function schemaOf(executor: string): ExecutorSchema {
  return JSON.parse(readFileSync(join(executorsDir, executor, 'schema.json'), 'utf8')) as ExecutorSchema;
}

/** The schema's defaults, to compare with the constants the code falls back to. */
function schemaDefaults(executor: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemaOf(executor).properties)
      .filter(([, property]) => property.default !== undefined)
      .map(([key, property]) => [key, property.default]),
  );
}

/**
 * What every executor owes its users: schema defaults equal to the constants the code falls back
 * to, a description on every option, a Satvach $id, and a registration in executors.json.
 */
export function expectExecutorContract(executor: string, codeDefaults: Readonly<Record<string, unknown>>): void {
  expect(schemaDefaults(executor)).toEqual(codeDefaults);
  const schema = schemaOf(executor);
  expect(schema.$id).toMatch(/^Satvach/);
  for (const [key, property] of Object.entries(schema.properties)) expect(property.description, key).toBeTruthy();
  const registry = JSON.parse(readFileSync(join(executorsDir, '../../executors.json'), 'utf8')) as { executors: Record<string, { implementation: string; schema: string }> };
  expect(registry.executors[executor]).toMatchObject({ implementation: `./src/executors/${executor}/executor.ts`, schema: `./src/executors/${executor}/schema.json` });
}

export function contextFor(projectName: string): ExecutorContext {
  return { root: join(executorsDir, '../../../..'), cwd: process.cwd(), isVerbose: false, projectName } as ExecutorContext;
}
