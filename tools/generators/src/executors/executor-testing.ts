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

interface Registration {
  implementation: string;
  schema: string;
}

/** Every executor executors.json registers, by name: the contract check reads this, never a hand-kept list. */
export function registeredExecutors(): [string, Registration][] {
  const registry = JSON.parse(readFileSync(join(executorsDir, '../../executors.json'), 'utf8')) as { executors: Record<string, Registration> };
  return Object.entries(registry.executors);
}

/** `deploy-status` → `DEPLOY_STATUS_DEFAULTS`: the constant each executor module exports. */
function defaultsExportOf(executor: string): string {
  return `${executor.toUpperCase().replaceAll('-', '_')}_DEFAULTS`;
}

/**
 * What every executor owes its users: registered at its own folder, a Satvach $id, a description on
 * every option, and schema defaults equal to the constants the code falls back to (exported as
 * `<NAME>_DEFAULTS`, so Nx's schema and a direct call behave alike).
 */
export async function expectExecutorContract(executor: string, registration: Registration): Promise<void> {
  expect(registration).toMatchObject({ implementation: `./src/executors/${executor}/executor.ts`, schema: `./src/executors/${executor}/schema.json` });
  const schema = schemaOf(executor);
  expect(schema.$id).toMatch(/^Satvach/);
  for (const [key, property] of Object.entries(schema.properties)) expect(property.description, `${executor}: ${key} has no description`).toBeTruthy();
  const module = (await import(join(executorsDir, '../..', registration.implementation))) as Record<string, unknown>;
  expect(typeof module.default, `${executor}: ${registration.implementation} has no default export`).toBe('function');
  const name = defaultsExportOf(executor);
  expect(module[name], `${executor}: ${registration.implementation} must export ${name}, the values its code falls back to`).toBeDefined();
  expect(schemaDefaults(executor), `${executor}: schema defaults vs ${name}`).toEqual(module[name]);
}

export function contextFor(projectName: string): ExecutorContext {
  return { root: join(executorsDir, '../../../..'), cwd: process.cwd(), isVerbose: false, projectName } as ExecutorContext;
}
