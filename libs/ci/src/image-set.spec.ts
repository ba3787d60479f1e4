import { describe, expect, it } from 'vitest';
import { allImages, computeImageSet, type WorkspaceGraph } from './image-set.ts';
import { parseGraphFile } from './nx.ts';

// The rule as plain data. The same rule on Nx's real graph and real history: affected-images.spec.ts.

const graph: WorkspaceGraph = {
  projects: {
    web: { root: 'apps/web', image: { dockerfile: 'apps/web/Dockerfile', context: '.' } },
    api: { root: 'apps/api', image: { dockerfile: 'apps/api/Dockerfile', context: 'apps/api' } },
    ui: { root: 'libs/ui' },
    core: { root: 'libs/core' },
  },
  dependencies: {
    web: [{ target: 'ui', type: 'static' }],
    ui: [{ target: 'core', type: 'static' }],
    api: [{ target: 'core', type: 'implicit' }],
  },
};

describe('computeImageSet', () => {
  it('a transitive library change reaches the image whose context holds it, with the path', () => {
    const set = computeImageSet({ graph, affected: ['core', 'ui', 'web', 'api'], changedFiles: ['libs/core/src/a.ts'] });
    expect(set.images).toEqual([
      { project: 'web', dockerfile: 'apps/web/Dockerfile', context: '.', reasons: ['depends on affected core: web → ui → core; changed libs/core/src/a.ts'] },
    ]);
    expect(set.skipped.map((s) => s.project)).toEqual(['api']);
  });

  it('a Dockerfile-specific .dockerignore (<Dockerfile>.dockerignore) counts like the context one', () => {
    const set = computeImageSet({ graph, affected: [], changedFiles: ['apps/api/Dockerfile.dockerignore'] });
    expect(set.images.map((i) => [i.project, i.reasons])).toEqual([['api', ['.dockerignore changed: apps/api/Dockerfile.dockerignore']]]);
  });

  it('lists at most three files per reason', () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((f) => `apps/api/src/${f}.py`);
    const set = computeImageSet({ graph, affected: ['api'], changedFiles: files });
    expect(set.images[0]?.reasons).toEqual(['changed in apps/api: apps/api/src/a.py, apps/api/src/b.py, apps/api/src/c.py (+2 more)']);
  });

  it('a workspace-wide input inside the context is the reason when nothing else is', () => {
    const set = computeImageSet({ graph, affected: ['web', 'api'], changedFiles: ['tsconfig.base.json'] });
    expect(set.images.map((i) => [i.project, i.reasons])).toEqual([
      ['web', ['Nx marks it affected and workspace-wide files changed inside its build context: tsconfig.base.json']],
    ]);
    expect(set.skipped.map((s) => s.project)).toEqual(['api']);
  });

  it('allImages gives every image the same reason', () => {
    expect(allImages(graph, 'rebuilding every image: x').images.map((i) => [i.project, i.reasons])).toEqual([
      ['api', ['rebuilding every image: x']],
      ['web', ['rebuilding every image: x']],
    ]);
  });
});

describe('parseGraphFile', () => {
  it('reads roots, docker-build options (defaults: <root>/Dockerfile, context <root>) and dependencies', () => {
    const json = {
      graph: {
        nodes: {
          web: { name: 'web', type: 'app', data: { root: 'apps/web', targets: { 'docker-build': { options: { context: '.' } }, build: {} } } },
          api: { name: 'api', type: 'app', data: { root: 'apps/api', targets: { 'docker-build': {} } } },
          ui: { name: 'ui', type: 'lib', data: { root: 'libs/ui', targets: {} } },
        },
        dependencies: { web: [{ source: 'web', target: 'ui', type: 'static' }], api: [], ui: [] },
      },
    };
    expect(parseGraphFile(json)).toEqual({
      projects: {
        web: { root: 'apps/web', image: { dockerfile: 'apps/web/Dockerfile', context: '.', ignoreFile: '.dockerignore' } },
        api: { root: 'apps/api', image: { dockerfile: 'apps/api/Dockerfile', context: 'apps/api', ignoreFile: 'apps/api/.dockerignore' } },
        ui: { root: 'libs/ui' },
      },
      dependencies: { web: [{ target: 'ui', type: 'static' }], api: [], ui: [] },
    });
    expect(() => parseGraphFile({ nodes: {} })).toThrow(/unexpected output of "nx graph --file"/);
  });

  const jobGraph = { graph: { nodes: { job: { data: { root: 'docker/job', targets: { 'docker-build': { options: { dockerfile: 'docker/job/Dockerfile', context: '.' } } } } } }, dependencies: { job: [] } } };

  it('takes <Dockerfile>.dockerignore and its rules when it exists: BuildKit then ignores the context one', () => {
    const files: Record<string, string> = { 'docker/job/Dockerfile.dockerignore': 'bench\n', '.dockerignore': 'docker\n' };
    expect(parseGraphFile(jobGraph, (path) => files[path]).projects.job?.image).toEqual({
      dockerfile: 'docker/job/Dockerfile',
      context: '.',
      ignoreFile: 'docker/job/Dockerfile.dockerignore',
      ignoreRules: 'bench\n',
    });
  });

  it("else the context's .dockerignore and its rules; no rules when neither exists", () => {
    expect(parseGraphFile(jobGraph, (path) => (path === '.dockerignore' ? 'docker\n' : undefined)).projects.job?.image).toMatchObject({ ignoreFile: '.dockerignore', ignoreRules: 'docker\n' });
    expect(parseGraphFile(jobGraph).projects.job?.image).toEqual({ dockerfile: 'docker/job/Dockerfile', context: '.', ignoreFile: '.dockerignore' });
  });
});

describe('computeImageSet with the ignore file BuildKit reads', () => {
  const withJob: WorkspaceGraph = {
    projects: { ...graph.projects, job: { root: 'docker/job', image: { dockerfile: 'docker/job/Dockerfile', context: '.', ignoreFile: 'docker/job/Dockerfile.dockerignore' } } },
    dependencies: graph.dependencies,
  };

  it('a root .dockerignore change does not rebuild an image whose Dockerfile has its own ignore file', () => {
    const set = computeImageSet({ graph: withJob, affected: [], changedFiles: ['.dockerignore'] });
    expect(set.images.map((i) => i.project)).toEqual(['web']);
  });

  it('its own ignore file does', () => {
    const set = computeImageSet({ graph: withJob, affected: [], changedFiles: ['docker/job/Dockerfile.dockerignore'] });
    expect(set.images.map((i) => [i.project, i.reasons])).toEqual([['job', ['.dockerignore changed: docker/job/Dockerfile.dockerignore']]]);
  });
});

describe("computeImageSet sees only what the build sees (context minus the ignore file, Docker's matching)", () => {
  // The backend's real rules: everything out, then `!` re-includes the lock, migrations and package.
  const api = {
    root: 'apps/api',
    image: {
      dockerfile: 'apps/api/Dockerfile',
      context: 'apps/api',
      ignoreFile: 'apps/api/.dockerignore',
      ignoreRules: '# only what the image needs\n*\n!requirements.lock\n!alembic/\n!src/pkg/\n**/__pycache__\n**/.env.*\n',
    },
  };
  const web = { root: 'apps/web', image: { dockerfile: 'apps/web/Dockerfile', context: '.', ignoreFile: '.dockerignore', ignoreRules: '**/*.spec.ts\ndocker\n' } };
  const seen: WorkspaceGraph = { projects: { api, web, core: { root: 'libs/core' } }, dependencies: { web: [{ target: 'core', type: 'static' }], api: [] } };
  const setAfter = (affected: string[], ...changedFiles: string[]) => computeImageSet({ graph: seen, affected, changedFiles });

  it('a file the ignore file excludes does not rebuild the image; the project is skipped with the reason', () => {
    const set = setAfter(['api'], 'apps/api/tests/test_a.py', 'apps/api/requirements-dev.lock');
    expect(set.images).toEqual([]);
    expect(set.skipped).toEqual([
      {
        project: 'api',
        reason:
          'Nx marks api affected (its tasks run), but its build does not see any changed file (build context apps/api minus apps/api/.dockerignore; changed: apps/api/requirements-dev.lock, apps/api/tests/test_a.py), so its image cannot change',
      },
    ]);
  });

  it('a file a `!` rule re-includes does', () => {
    expect(setAfter(['api'], 'apps/api/src/pkg/main.py').images.map((i) => i.reasons)).toEqual([['changed in apps/api: apps/api/src/pkg/main.py']]);
    expect(setAfter(['api'], 'apps/api/alembic/versions/0002.py').images.map((i) => i.project)).toEqual(['api']);
    expect(setAfter(['api'], 'apps/api/requirements.lock').images.map((i) => i.reasons)).toEqual([['Python lockfile changed: apps/api/requirements.lock']]);
  });

  it('a later exclusion wins over the re-include (last matching rule decides)', () => {
    expect(setAfter(['api'], 'apps/api/src/pkg/__pycache__/main.cpython-311.pyc', 'apps/api/src/pkg/.env.local').images).toEqual([]);
  });

  it('a dependency change the root context ignores does not reach the image; a visible one does', () => {
    expect(setAfter(['core', 'web'], 'libs/core/src/a.spec.ts').images).toEqual([]);
    expect(setAfter(['core', 'web'], 'libs/core/src/a.spec.ts', 'libs/core/src/a.ts').images.map((i) => i.reasons)).toEqual([
      ['depends on affected core: web → core (static); changed libs/core/src/a.ts'],
    ]);
  });

  it('the ignore file itself and the Dockerfile still rebuild (the builder always reads them)', () => {
    expect(setAfter([], 'apps/api/.dockerignore', 'apps/api/Dockerfile').images.map((i) => i.reasons)).toEqual([
      ['Dockerfile changed: apps/api/Dockerfile', '.dockerignore changed: apps/api/.dockerignore'],
    ]);
  });
});
