import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTAINER_PROGRAMS, parseHostPrograms } from './programs.ts';

describe('CONTAINER_PROGRAMS', () => {
  it('names only services of docker/compose.yml', () => {
    const compose = parse(readFileSync(fileURLToPath(new URL('../../../docker/compose.yml', import.meta.url)), 'utf8')) as { services: Record<string, unknown> };
    for (const service of Object.keys(CONTAINER_PROGRAMS)) expect(Object.keys(compose.services)).toContain(service);
  });
});

describe('parseHostPrograms', () => {
  it('reads the bullets of the section, with their lines, and stops at the next section', () => {
    const readme = '# R\n\n## Where the commands run\n\nText with `not-a-bullet`.\n\n- `docker` — engine\n* `jq` — JSON\n\n## Escalation\n\n- `later` — not listed\n';
    expect(parseHostPrograms(readme)).toEqual({ programs: new Map([['docker', 7], ['jq', 8]]) });
  });

  it('names what is missing: the section, or its bullets', () => {
    expect(parseHostPrograms('# R\n')).toEqual({ error: expect.stringContaining('no `## Where the commands run` section') });
    expect(parseHostPrograms('## Where the commands run\n\nnothing\n')).toEqual({ error: expect.stringContaining('lists no programs') });
  });

  it('loads the documented list in runbooks/README.md', () => {
    const host = parseHostPrograms(readFileSync(fileURLToPath(new URL('../../../runbooks/README.md', import.meta.url)), 'utf8'));
    expect('programs' in host && [...host.programs.keys()]).toEqual(expect.arrayContaining(['docker', 'npx', 'curl', 'jq']));
  });
});
