import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CreateNodesContext } from '@nx/devkit';
import { createNodes } from './create-nodes.ts';

const FULL_PYPROJECT = `
[project]
name = "svc"
version = "0.1.0"

[tool.ruff]
line-length = 100

[tool.pytest.ini_options]
testpaths = ["tests"]
`;

let workspaceRoot: string;

function write(relative: string, content = ''): void {
  const file = join(workspaceRoot, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

async function infer(configFiles: string[]) {
  const context: CreateNodesContext = { workspaceRoot, nxJsonConfiguration: {} };
  const [, createNodesFunction] = createNodes;
  return createNodesFunction(configFiles, {}, context);
}

beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'platform-plugin-'));
});
afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

describe('createNodes for Python projects', () => {
  it('infers venv, lint, test, migrate and serve from the files a service has', async () => {
    write('apps/svc/pyproject.toml', FULL_PYPROJECT);
    write('apps/svc/scripts/setup-venv.sh', '#!/bin/bash\n');
    write('apps/svc/alembic.ini', '[alembic]\n');
    write('apps/svc/src/svc/__main__.py', '');
    write('apps/svc/src/svc/__init__.py', '');

    const results = await infer(['apps/svc/pyproject.toml']);

    const cwd = { cwd: 'apps/svc' };
    const python = ['python'];
    expect(results).toEqual([
      [
        'apps/svc/pyproject.toml',
        {
          projects: {
            'apps/svc': {
              name: 'svc',
              targets: {
                venv: {
                  command: 'bash scripts/setup-venv.sh',
                  options: cwd,
                  cache: false,
                  metadata: {
                    description: 'Creates or updates the project virtualenv (.venv) from the hashed lock.',
                  },
                },
                lint: {
                  command: '.venv/bin/ruff check . && .venv/bin/ruff format --check .',
                  options: cwd,
                  cache: true,
                  inputs: ['default', '^production'],
                  dependsOn: ['venv'],
                  metadata: { description: 'Lints and checks formatting with ruff.', technologies: python },
                },
                test: {
                  command: '.venv/bin/pytest',
                  options: cwd,
                  cache: true,
                  inputs: ['default', '^production'],
                  dependsOn: ['venv'],
                  metadata: { description: 'Runs the pytest suite.', technologies: python },
                },
                migrate: {
                  command: '.venv/bin/alembic upgrade head',
                  options: cwd,
                  cache: false,
                  dependsOn: ['venv'],
                  metadata: {
                    description: 'Applies database migrations (alembic upgrade head).',
                    technologies: python,
                  },
                },
                serve: {
                  command: '.venv/bin/python -m svc',
                  options: cwd,
                  cache: false,
                  continuous: true,
                  dependsOn: ['venv'],
                  metadata: { description: 'Runs the service (python -m svc).', technologies: python },
                },
              },
            },
          },
        },
      ],
    ]);
  });

  it('infers nothing a file does not imply, and leaves the name to project.json', async () => {
    write('libs/pylib/pyproject.toml', '[project]\nname = "pylib"\n');
    write('libs/pylib/project.json', '{"name": "pylib-custom"}');
    write('libs/pylib/src/pylib/__init__.py', '');

    const results = await infer(['libs/pylib/pyproject.toml']);

    expect(results).toEqual([['libs/pylib/pyproject.toml', { projects: { 'libs/pylib': { targets: {} } } }]]);
  });

  it('does not guess which package to serve when several are runnable', async () => {
    write('apps/two/pyproject.toml', '[project]\nname = "two"\n');
    write('apps/two/src/a/__main__.py', '');
    write('apps/two/src/b/__main__.py', '');

    const results = await infer(['apps/two/pyproject.toml']);

    expect(results).toEqual([['apps/two/pyproject.toml', { projects: { 'apps/two': { name: 'two', targets: {} } } }]]);
  });

  it('names the file when pyproject.toml is not valid TOML', async () => {
    write('apps/bad/pyproject.toml', '[project\nname = ');

    // Nx reports per-file failures through an aggregate error; the file's own message must name it.
    await expect(infer(['apps/bad/pyproject.toml'])).rejects.toMatchObject({
      errors: [
        ['apps/bad/pyproject.toml', expect.objectContaining({ message: expect.stringMatching(/apps\/bad\/pyproject\.toml is not valid TOML/) })],
      ],
    });
  });
});

describe('createNodes for TypeScript projects', () => {
  it('infers typecheck from a project tsconfig.json', async () => {
    write('libs/contract/tsconfig.json', '{}');

    const results = await infer(['libs/contract/tsconfig.json']);

    expect(results).toEqual([
      [
        'libs/contract/tsconfig.json',
        {
          projects: {
            'libs/contract': {
              targets: {
                typecheck: {
                  command: 'tsc --noEmit -p tsconfig.json',
                  options: { cwd: 'libs/contract' },
                  cache: true,
                  inputs: ['default', '^production', { externalDependencies: ['typescript'] }],
                  metadata: { description: 'Type-checks the project with tsc.', technologies: ['typescript'] },
                },
              },
            },
          },
        },
      ],
    ]);
  });

  it('leaves Vite projects to @nx/vite and ignores the workspace root', async () => {
    write('apps/web/tsconfig.json', '{}');
    write('apps/web/vite.config.ts', 'export default {}');
    write('tsconfig.json', '{}');

    const results = await infer(['apps/web/tsconfig.json', 'tsconfig.json']);

    expect(results).toEqual([
      ['apps/web/tsconfig.json', {}],
      ['tsconfig.json', {}],
    ]);
  });
});

describe('createNodes for Dockerfiles', () => {
  const dockerTargets = (defaultRegistry: string) => ({
    'docker-build': {
      executor: '@satvach/nx-platform:docker-build',
      options: { defaultRegistry },
      cache: false,
      outputs: ['{workspaceRoot}/dist/images/{projectName}.json'],
      metadata: {
        description: 'Builds the container image (tags from git, OCI labels) and writes dist/images/<project>.json.',
        technologies: ['docker'],
      },
    },
    'docker-push': {
      executor: '@satvach/nx-platform:docker-push',
      dependsOn: ['docker-build'],
      cache: false,
      outputs: ['{workspaceRoot}/dist/images/{projectName}.json'],
      metadata: {
        description: 'Pushes every tag of the freshly built image and records the pushed digest.',
        technologies: ['docker'],
      },
    },
  });

  it('gives a project with a Dockerfile docker-build and docker-push, with the plugin registry', async () => {
    write('apps/api/Dockerfile', 'FROM scratch\n');
    write('apps/api/project.json', '{"name": "api"}');
    const context: CreateNodesContext = { workspaceRoot, nxJsonConfiguration: {} };

    const results = await createNodes[1](['apps/api/Dockerfile'], { registry: 'ghcr.io/acme' }, context);

    expect(results).toEqual([['apps/api/Dockerfile', { projects: { 'apps/api': { targets: dockerTargets('ghcr.io/acme') } } }]]);
  });

  it('defaults the registry and ignores Dockerfiles outside projects', async () => {
    write('apps/web/Dockerfile', 'FROM scratch\n');
    write('apps/web/package.json', '{"name": "web"}');
    write('docker/base/Dockerfile', 'FROM scratch\n');

    const results = await infer(['apps/web/Dockerfile', 'docker/base/Dockerfile']);

    expect(results).toEqual([
      ['apps/web/Dockerfile', { projects: { 'apps/web': { targets: dockerTargets('ghcr.io/satvach') } } }],
      ['docker/base/Dockerfile', {}],
    ]);
  });

  it('gives a project whose project.json names a shared Dockerfile the same targets; not one with its own Dockerfile or without docker-build', async () => {
    write('docker/tool/Dockerfile', 'FROM scratch AS a\nFROM scratch AS b\n');
    write('docker/a/project.json', JSON.stringify({ name: 'a-image', targets: { 'docker-build': { options: { dockerfile: 'docker/tool/Dockerfile', target: 'a' } } } }));
    write('apps/api/Dockerfile', 'FROM scratch\n');
    write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'docker-build': { options: { dockerfile: 'apps/api/Dockerfile' } } } }));
    write('libs/x/project.json', JSON.stringify({ name: 'x', targets: { test: {} } }));

    const results = await infer(['docker/a/project.json', 'apps/api/project.json', 'libs/x/project.json']);

    expect(results).toEqual([
      ['docker/a/project.json', { projects: { 'docker/a': { targets: dockerTargets('ghcr.io/satvach') } } }],
      ['apps/api/project.json', {}],
      ['libs/x/project.json', {}],
    ]);
  });

  it('names a project.json that is not valid JSON', async () => {
    write('docker/a/project.json', '{"targets": ');

    await expect(infer(['docker/a/project.json'])).rejects.toMatchObject({
      errors: [['docker/a/project.json', expect.objectContaining({ message: expect.stringMatching(/^docker\/a\/project\.json is not valid JSON \(.+\): fix the file$/) })]],
    });
  });
});
