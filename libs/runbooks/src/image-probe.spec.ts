import { describe, expect, it } from 'vitest';
import { hostProbeCommand, imageProbeCommand, missingPrograms, newestImageOf } from './image-probe.ts';

describe('image probe', () => {
  it('runs one container with sh as entrypoint and the programs as arguments, never in the script', () => {
    expect(imageProbeCommand('/usr/bin/docker', 'satvach-local/postgis:15-3', ['psql', 'pg_isready'])).toEqual({
      file: '/usr/bin/docker',
      args: ['run', '--rm', '--network', 'host', '--entrypoint', 'sh', 'satvach-local/postgis:15-3', '-c', 'for p in "$@"; do command -v "$p" >/dev/null || echo "missing $p"; done', 'probe', 'psql', 'pg_isready'],
    });
    expect(hostProbeCommand(['jq']).args.at(-1)).toBe('jq');
  });

  it('reads the missing programs from its output', () => {
    expect(missingPrograms('missing curl\nmissing jq\n')).toEqual(['curl', 'jq']);
    expect(missingPrograms('')).toEqual([]);
  });

  it('picks the newest image of a repository in any registry, skipping untagged ones', () => {
    const listing = '127.0.0.1:5000/satvach/backend:<none>\n127.0.0.1:5000/satvach/backend:sha-2\nbackend-old:1\nbackend:sha-1\n';
    expect(newestImageOf(listing, 'backend')).toBe('127.0.0.1:5000/satvach/backend:sha-2');
    expect(newestImageOf(listing, 'frontend')).toBeUndefined();
  });
});
