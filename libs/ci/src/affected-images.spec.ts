import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { affectedImages, type AffectedImagesResult } from './affected-images.ts';
import { formatAffectedImages } from './format.ts';
import { createWorkspaceCopy, type WorkspaceCopy } from './testing/index.ts';

// The image set on real git history: a throwaway git copy of this workspace, one commit per scenario
// on a branch from the same base, and Nx's real project graph and `nx show projects --affected`.
// The printed sets are logged so that the closing note can quote them.

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
let copy: WorkspaceCopy;
let base: string;

beforeAll(async () => {
  copy = await createWorkspaceCopy(workspaceRoot, 'satvach-images-');
  base = await copy.git('rev-parse', 'HEAD');
});
afterAll(() => copy.remove());
beforeEach(async () => {
  await copy.git('checkout', '-q', '-f', '-B', 'scenario', base);
});

async function imagesAfter(...files: string[]): Promise<AffectedImagesResult> {
  await copy.commitTouching(...files);
  const result = await affectedImages({ base, head: 'HEAD', workspaceRoot: copy.root });
  console.log(`--- after touching ${files.join(', ')}\n${formatAffectedImages(result)}`);
  return result;
}

const setOf = (result: AffectedImagesResult) => result.images.map((image) => image.project);

describe('the exact image set on real git history', () => {
  it('README and docs only → no image', async () => {
    const result = await imagesAfter('README.md', 'docs/notes.md');
    expect(result.changedFiles).toEqual(['README.md', 'docs/notes.md']);
    expect(result.affectedProjects).toEqual([]);
    expect(result.images).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it('a frontend source file → frontend', async () => {
    const result = await imagesAfter('apps/frontend/src/App.tsx');
    expect(result.images).toEqual([
      {
        project: 'frontend',
        dockerfile: 'apps/frontend/Dockerfile',
        context: '.',
        reasons: ['changed in apps/frontend: apps/frontend/src/App.tsx'],
      },
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('a backend .py file → backend', async () => {
    const result = await imagesAfter('apps/backend/src/satvach/main.py');
    expect(result.images).toEqual([
      {
        project: 'backend',
        dockerfile: 'apps/backend/Dockerfile',
        context: 'apps/backend',
        reasons: ['changed in apps/backend: apps/backend/src/satvach/main.py'],
      },
    ]);
  });

  it('libs/api-contract → frontend (it bundles the library); backend is affected for its contract test but its image cannot change', async () => {
    const result = await imagesAfter('libs/api-contract/src/index.ts');
    expect(result.affectedProjects).toEqual(expect.arrayContaining(['api-contract', 'backend', 'frontend']));
    expect(setOf(result)).toEqual(['frontend']);
    expect(result.images[0]?.reasons).toEqual([
      'depends on affected api-contract: frontend → api-contract (static); changed libs/api-contract/src/index.ts',
    ]);
    expect(result.skipped).toEqual([
      {
        project: 'backend',
        reason:
          'Nx marks backend affected (its tasks run), but its build does not see any changed file (build context apps/backend minus apps/backend/.dockerignore; changed: libs/api-contract/src/index.ts), so its image cannot change',
      },
    ]);
  });

  it('a Dockerfile only → that image', async () => {
    const result = await imagesAfter('apps/backend/Dockerfile');
    expect(result.images).toEqual([
      { project: 'backend', dockerfile: 'apps/backend/Dockerfile', context: 'apps/backend', reasons: ['Dockerfile changed: apps/backend/Dockerfile'] },
    ]);
  });

  it('the root .dockerignore only → the frontend image (root context); not the backup or log shipper image, whose Dockerfile.dockerignore BuildKit reads instead', async () => {
    const result = await imagesAfter('.dockerignore');
    expect(result.affectedProjects).not.toContain('frontend');
    expect(result.images).toEqual([
      { project: 'frontend', dockerfile: 'apps/frontend/Dockerfile', context: '.', reasons: ['.dockerignore changed: .dockerignore'] },
    ]);
  });

  it('the backend .dockerignore only → backend', async () => {
    const result = await imagesAfter('apps/backend/.dockerignore');
    expect(setOf(result)).toEqual(['backend']);
    expect(result.images[0]?.reasons).toEqual(['.dockerignore changed: apps/backend/.dockerignore']);
  });

  it('the root package-lock.json → Nx 23 marks EVERY project affected; the images whose npm ci reads the lock (frontend, backup, log shipper) are rebuilt, not the backend', async () => {
    const result = await imagesAfter('package-lock.json');
    const { stdout } = await import('@satvach/exec').then(({ run }) =>
      run({ file: `${copy.root}/node_modules/.bin/nx`, args: ['show', 'projects', '--json'], cwd: copy.root, env: { NX_DAEMON: 'false' } }, { quiet: true }),
    );
    const everyProject = (JSON.parse(stdout.slice(stdout.indexOf('['))) as string[]).sort();
    expect(result.affectedProjects).toEqual(everyProject);
    expect(result.images).toEqual([
      {
        project: 'backup-image',
        dockerfile: 'docker/node-tool/Dockerfile',
        context: '.',
        reasons: ['npm lockfile changed: package-lock.json lies inside the build context and Nx marks backup-image affected by it'],
      },
      {
        project: 'frontend',
        dockerfile: 'apps/frontend/Dockerfile',
        context: '.',
        reasons: ['npm lockfile changed: package-lock.json lies inside the build context and Nx marks frontend affected by it'],
      },
      {
        project: 'logs-shipper-image',
        dockerfile: 'docker/node-tool/Dockerfile',
        context: '.',
        reasons: ['npm lockfile changed: package-lock.json lies inside the build context and Nx marks logs-shipper-image affected by it'],
      },
    ]);
    expect(result.skipped.map((s) => s.project)).toEqual(['backend']);
    expect(result.skipped[0]?.reason).toContain('; changed: package-lock.json)');
  });

  it('libs/backup source → the backup image only (it runs the library); frontend and backend keep theirs', async () => {
    const result = await imagesAfter('libs/backup/src/job.ts');
    expect(result.affectedProjects).toEqual(expect.arrayContaining(['backup', 'backup-image']));
    expect(result.images).toEqual([
      {
        project: 'backup-image',
        dockerfile: 'docker/node-tool/Dockerfile',
        context: '.',
        reasons: ['depends on affected backup: backup-image → backup (implicit); changed libs/backup/src/job.ts'],
      },
    ]);
  });

  it('libs/logs source → the log shipper image only (it runs the library)', async () => {
    const result = await imagesAfter('libs/logs/src/shipper.ts');
    expect(result.images).toEqual([
      {
        project: 'logs-shipper-image',
        dockerfile: 'docker/node-tool/Dockerfile',
        context: '.',
        reasons: ['depends on affected logs: logs-shipper-image → logs (implicit); changed libs/logs/src/shipper.ts'],
      },
    ]);
  });

  it('the backup entry script → the backup image only', async () => {
    const result = await imagesAfter('docker/backup/backup_db.sh');
    expect(result.images).toEqual([
      { project: 'backup-image', dockerfile: 'docker/node-tool/Dockerfile', context: '.', reasons: ['changed in docker/backup: docker/backup/backup_db.sh'] },
    ]);
  });

  it.each([
    ['Dockerfile', 'docker/node-tool/Dockerfile'],
    ['.dockerignore', 'docker/node-tool/Dockerfile.dockerignore'],
  ])('the Node tool images\' shared %s (%s) → the backup and log shipper images, nothing else', async (kind, file) => {
    const result = await imagesAfter(file);
    expect(setOf(result)).toEqual(['backup-image', 'logs-shipper-image']);
    expect(result.images.map((image) => image.reasons)).toEqual([[`${kind} changed: ${file}`], [`${kind} changed: ${file}`]]);
  });

  it('backend tests only → no image: apps/backend/.dockerignore keeps tests out of the build', async () => {
    const result = await imagesAfter('apps/backend/tests/conftest.py');
    expect(result.affectedProjects).toContain('backend');
    expect(result.images).toEqual([]);
    expect(result.skipped).toEqual([
      {
        project: 'backend',
        reason:
          'Nx marks backend affected (its tasks run), but its build does not see any changed file (build context apps/backend minus apps/backend/.dockerignore; changed: apps/backend/tests/conftest.py), so its image cannot change',
      },
    ]);
  });

  it('backend devtools only → no image (the harness is a cache input of the backup and logs tests too, so their images are affected, and skipped)', async () => {
    const result = await imagesAfter('apps/backend/devtools/local_services.py');
    expect(result.affectedProjects).toEqual(expect.arrayContaining(['backend', 'backup', 'backup-image', 'logs', 'logs-shipper-image']));
    expect(result.images).toEqual([]);
    expect(result.skipped.map((s) => s.project)).toEqual(['backend', 'backup-image', 'logs-shipper-image']);
  });

  it('the setup script only → no image: the backup and logs tests re-run (it is their cache input), no build sees it', async () => {
    const result = await imagesAfter('tools/scripts/setup.sh');
    expect(result.affectedProjects).toEqual(expect.arrayContaining(['backup', 'backup-image', 'ci', 'logs', 'logs-shipper-image']));
    expect(result.images).toEqual([]);
    expect(result.skipped.map((s) => s.project)).toEqual(['backend', 'backup-image', 'logs-shipper-image']);
  });

  it('backend dev lock and pyproject only → no image (the `*` rule; only requirements.lock is re-included)', async () => {
    const result = await imagesAfter('apps/backend/requirements-dev.lock', 'apps/backend/pyproject.toml');
    expect(result.affectedProjects).toContain('backend');
    expect(result.images).toEqual([]);
  });

  it('a backend migration (re-included by !alembic/) → backend', async () => {
    const result = await imagesAfter('apps/backend/alembic/versions/0001_create_places.py');
    expect(result.images).toEqual([
      {
        project: 'backend',
        dockerfile: 'apps/backend/Dockerfile',
        context: 'apps/backend',
        reasons: ['changed in apps/backend: apps/backend/alembic/versions/0001_create_places.py'],
      },
    ]);
  });

  it("a frontend spec file (the root context's .dockerignore excludes **/*.spec.tsx) → no image", async () => {
    const result = await imagesAfter('apps/frontend/src/App.spec.tsx');
    expect(result.affectedProjects).toContain('frontend');
    expect(result.images).toEqual([]);
    expect(result.skipped).toEqual([
      {
        project: 'frontend',
        reason:
          'Nx marks frontend affected (its tasks run), but its build does not see any changed file (build context the workspace root minus .dockerignore; changed: apps/frontend/src/App.spec.tsx), so its image cannot change',
      },
    ]);
  });

  it('a libs/api-contract spec file → no image: frontend and backend are affected, neither build sees it', async () => {
    const result = await imagesAfter('libs/api-contract/src/index.spec.ts');
    expect(result.affectedProjects).toEqual(expect.arrayContaining(['api-contract', 'backend', 'frontend']));
    expect(result.images).toEqual([]);
    expect(result.skipped.map((s) => s.project)).toEqual(['backend', 'frontend']);
  });

  it('apps/backend/requirements.lock → backend only', async () => {
    const result = await imagesAfter('apps/backend/requirements.lock');
    expect(result.affectedProjects).toContain('backend');
    expect(result.affectedProjects).not.toContain('frontend');
    expect(result.images).toEqual([
      {
        project: 'backend',
        dockerfile: 'apps/backend/Dockerfile',
        context: 'apps/backend',
        reasons: ['Python lockfile changed: apps/backend/requirements.lock'],
      },
    ]);
  });
});

describe('bad input on real history', () => {
  it('an unknown base rebuilds every image, saying why on each', async () => {
    await copy.commitTouching('README.md');
    const unknown = '0123456789abcdef0123456789abcdef01234567';
    const result = await affectedImages({ base: unknown, head: 'HEAD', workspaceRoot: copy.root });
    console.log(`--- unknown base\n${formatAffectedImages(result)}`);
    const reason = `rebuilding every image: base "${unknown}" is not a commit in this repository (unknown sha, or a branch that was never fetched)`;
    expect(result.notes).toContain(reason);
    expect(result.images.map((image) => [image.project, image.reasons])).toEqual([
      ['backend', [reason]],
      ['backup-image', [reason]],
      ['frontend', [reason]],
      ['logs-shipper-image', [reason]],
    ]);
  });

  it('a base that is not an ancestor (history rewritten) compares from the merge-base and says so', async () => {
    const abandoned = await copy.commitTouching('apps/backend/src/satvach/main.py');
    await copy.git('checkout', '-q', '-f', '-B', 'scenario', base);
    await copy.commitTouching('apps/frontend/src/App.tsx');
    const result = await affectedImages({ base: abandoned, head: 'HEAD', workspaceRoot: copy.root });
    console.log(`--- base not an ancestor\n${formatAffectedImages(result)}`);
    expect(result.range).toMatchObject({ mode: 'diff', base });
    expect(result.notes).toContain(
      `base ${abandoned.slice(0, 12)} is not an ancestor of head ${(await copy.git('rev-parse', 'HEAD')).slice(0, 12)}; falling back to their merge-base ${base.slice(0, 12)}`,
    );
    expect(setOf(result)).toEqual(['frontend']);
  });
});
