import { describe, expect, it } from 'vitest';
import { composeArgv } from './argv.ts';

describe('composeArgv', () => {
  const project = { docker: '/usr/bin/docker', files: ['/w/docker/compose.yml', '/w/docker/compose.dev.yml'], projectName: 'satvach', profiles: ['tunnel'] };

  it('builds the v2 plugin command', () => {
    expect(composeArgv({ ...project, flavor: 'v2' }, 'up', '-d')).toEqual({
      file: '/usr/bin/docker',
      args: ['compose', '-p', 'satvach', '-f', '/w/docker/compose.yml', '-f', '/w/docker/compose.dev.yml', '--profile', 'tunnel', 'up', '-d'],
    });
  });

  it('builds the docker-compose 1.29 command, with the name from -p', () => {
    expect(composeArgv({ ...project, flavor: 'v1', profiles: [] }, 'down', '--volumes')).toEqual({
      file: 'docker-compose',
      args: ['-p', 'satvach', '-f', '/w/docker/compose.yml', '-f', '/w/docker/compose.dev.yml', 'down', '--volumes'],
    });
  });
});
