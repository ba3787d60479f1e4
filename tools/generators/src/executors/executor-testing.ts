// Shared by the executors' specs: their schema.json files and an ExecutorContext for this workspace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';

const executorsDir = import.meta.dirname;

export interface ExecutorSchema {
  $id: string;
  properties: Record<string, { default?: unknown; description?: string }>;
}

export function schemaOf(executor: string): ExecutorSchema {
  return JSON.parse(readFileSync(join(executorsDir, executor, 'schema.json'), 'utf8')) as ExecutorSchema;
}

/** The schema's defaults, to compare with the constants the code falls back to. */
export function schemaDefaults(executor: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemaOf(executor).properties)
      .filter(([, property]) => property.default !== undefined)
      .map(([key, property]) => [key, property.default]),
  );
}

export function contextFor(projectName: string): ExecutorContext {
  return { root: join(executorsDir, '../../../..'), cwd: process.cwd(), isVerbose: false, projectName } as ExecutorContext;
}
