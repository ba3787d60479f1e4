import { describe, expect, it } from 'vitest';
import { CHECKS, parseChecks } from './model.ts';

describe('--check', () => {
  it('is every check when not given, else the named ones', () => {
    expect(parseChecks(undefined)).toEqual([]);
    expect(parseChecks('db')).toEqual(['db']);
    expect(parseChecks('db, storage')).toEqual(['db', 'storage']);
    expect(CHECKS).toEqual(['db', 'storage', 'edge', 'backend', 'disk', 'host', 'tunnel', 'backup']);
  });

  it('refuses an unknown check, naming it and the valid ones', () => {
    expect(() => parseChecks('db,database')).toThrow('--check="database" is not a check; choose from db, storage, edge, backend, disk, host, tunnel, backup (comma-separated for several)');
  });
});
