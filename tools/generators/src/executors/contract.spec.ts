import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectExecutorContract, registeredExecutors } from './executor-testing.ts';

// Discovered from executors.json: a newly registered executor is checked without editing this file.
const executors = registeredExecutors();

describe('every registered executor keeps the executor contract', () => {
  it('executors.json registers exactly the executor folders there are', () => {
    const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(import.meta.dirname, entry.name, 'executor.ts')))
      .map((entry) => entry.name);
    expect(executors.map(([name]) => name).sort()).toEqual(folders.sort());
  });

  it.each(executors)('%s: registered at its folder, $id, every option described, schema defaults equal the exported code defaults', async (name, registration) => {
    await expectExecutorContract(name, registration);
  });
});
