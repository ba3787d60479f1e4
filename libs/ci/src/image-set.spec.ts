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

  it('names <Dockerfile>.dockerignore as the ignore file when it exists: BuildKit then ignores the context one', () => {
    const json = { graph: { nodes: { job: { data: { root: 'docker/job', targets: { 'docker-build': { options: { dockerfile: 'docker/job/Dockerfile', context: '.' } } } } } }, dependencies: { job: [] } } };
    expect(parseGraphFile(json, (path) => path === 'docker/job/Dockerfile.dockerignore').projects.job?.image?.ignoreFile).toBe('docker/job/Dockerfile.dockerignore');
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
