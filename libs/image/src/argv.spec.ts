import { describe, expect, it } from 'vitest';
import { buildArgv, loginArgv, pushArgv, type BuildSpec } from './argv.ts';

const spec: BuildSpec = {
  dockerfile: 'apps/backend/Dockerfile',
  context: 'apps/backend',
  tags: ['ghcr.io/acme/backend:sha-0123abc', 'ghcr.io/acme/backend:main'],
  labels: { 'org.opencontainers.image.revision': '0123abc', 'org.opencontainers.image.title': 'backend' },
  buildArgs: { PYTHON_IMAGE: 'python:3.11-slim' },
  target: 'runtime',
  network: 'host',
  secrets: [{ id: 'ca', src: '/etc/ssl/certs/ca-certificates.crt' }],
  cacheFrom: ['type=registry,ref=ghcr.io/acme/backend:cache'],
  cacheTo: ['type=registry,ref=ghcr.io/acme/backend:cache,mode=max'],
  iidFile: 'dist/images/backend.iid',
};

const common = [
  '-f',
  'apps/backend/Dockerfile',
  '-t',
  'ghcr.io/acme/backend:sha-0123abc',
  '-t',
  'ghcr.io/acme/backend:main',
  '--label',
  'org.opencontainers.image.revision=0123abc',
  '--label',
  'org.opencontainers.image.title=backend',
  '--build-arg',
  'PYTHON_IMAGE=python:3.11-slim',
  '--target',
  'runtime',
  '--network',
  'host',
];

describe('buildArgv', () => {
  it('buildx: docker buildx build --load with secrets and cache import/export', () => {
    expect(buildArgv(spec, 'buildx')).toEqual({
      file: 'docker',
      args: [
        'buildx',
        'build',
        '--load',
        ...common,
        '--secret',
        'id=ca,src=/etc/ssl/certs/ca-certificates.crt',
        '--cache-from',
        'type=registry,ref=ghcr.io/acme/backend:cache',
        '--cache-to',
        'type=registry,ref=ghcr.io/acme/backend:cache,mode=max',
        '--iidfile',
        'dist/images/backend.iid',
        'apps/backend',
      ],
      env: {},
      warnings: [],
    });
  });

  it('buildkit: DOCKER_BUILDKIT=1 docker build with secrets, no cache export (with a warning)', () => {
    expect(buildArgv({ ...spec, docker: '/usr/bin/docker' }, 'buildkit')).toEqual({
      file: '/usr/bin/docker',
      args: [
        'build',
        ...common,
        '--secret',
        'id=ca,src=/etc/ssl/certs/ca-certificates.crt',
        '--cache-from',
        'type=registry,ref=ghcr.io/acme/backend:cache',
        '--iidfile',
        'dist/images/backend.iid',
        'apps/backend',
      ],
      env: { DOCKER_BUILDKIT: '1' },
      warnings: ['--cache-to needs buildx; the buildkit builder does not export a cache, left out: type=registry,ref=ghcr.io/acme/backend:cache,mode=max'],
    });
  });

  it('classic: DOCKER_BUILDKIT=0 docker build without secrets or cache export, and says so', () => {
    const result = buildArgv(spec, 'classic');
    expect(result.args).toEqual([
      'build',
      ...common,
      '--cache-from',
      'type=registry,ref=ghcr.io/acme/backend:cache',
      '--iidfile',
      'dist/images/backend.iid',
      'apps/backend',
    ]);
    expect(result.env).toEqual({ DOCKER_BUILDKIT: '0' });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toContain('the classic builder cannot pass build secrets; left out: ca.');
    expect(result.warnings[1]).toContain('--cache-to needs buildx');
  });

  it('the minimal build: Dockerfile, one tag, context last', () => {
    expect(buildArgv({ dockerfile: 'Dockerfile', context: '.', tags: ['127.0.0.1:5000/satvach/web:sha-0123abc'] }, 'buildkit')).toEqual({
      file: 'docker',
      args: ['build', '-f', 'Dockerfile', '-t', '127.0.0.1:5000/satvach/web:sha-0123abc', '.'],
      env: { DOCKER_BUILDKIT: '1' },
      warnings: [],
    });
  });

  it('rejects bad tags, build arg names and secret specs', () => {
    const minimal = { dockerfile: 'Dockerfile', context: '.' };
    expect(() => buildArgv({ ...minimal, tags: [] }, 'buildx')).toThrow('a build needs at least one tag');
    expect(() => buildArgv({ ...minimal, tags: ['ghcr.io/Acme/x:1'] }, 'buildx')).toThrow('"Acme" is not allowed');
    expect(() => buildArgv({ ...minimal, tags: ['x:1'], buildArgs: { 'A B': '1' } }, 'buildx')).toThrow('build arg name "A B"');
    expect(() => buildArgv({ ...minimal, tags: ['x:1'], secrets: [{ id: 'a,b', src: '/f' }] }, 'buildx')).toThrow('build secret id "a,b"');
  });
});

describe('pushArgv and loginArgv', () => {
  it('push is one validated ref', () => {
    expect(pushArgv('ghcr.io/acme/backend:sha-0123abc')).toEqual({ file: 'docker', args: ['push', 'ghcr.io/acme/backend:sha-0123abc'], env: {} });
    expect(() => pushArgv('ghcr.io/acme/backend')).toThrow('has no tag');
  });

  it('login names the registry host and reads the password from stdin only', () => {
    expect(loginArgv('ghcr.io/acme', 'bot')).toEqual({
      file: 'docker',
      args: ['login', 'ghcr.io', '--username', 'bot', '--password-stdin'],
      env: {},
    });
    expect(loginArgv('127.0.0.1:5000/satvach', 'ci').args[1]).toBe('127.0.0.1:5000');
    expect(loginArgv('localhost:5000', 'ci').args[1]).toBe('localhost:5000');
    expect(() => loginArgv('ghcr.io/acme', '')).toThrow('registry user');
  });
});
