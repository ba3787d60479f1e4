// The documented deploy config (docker/deploy/backend.deploy.json) as raw JSON: tests and fixtures take
// its hardening block from there, so they run colours exactly as production does.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DOCUMENTED_CONFIG_FILE = join(resolve(import.meta.dirname, '../../../..'), 'docker/deploy/backend.deploy.json');

export function documentedConfig(): Record<string, unknown> & { hardening: Record<string, unknown> } {
  return JSON.parse(readFileSync(DOCUMENTED_CONFIG_FILE, 'utf8'));
}
