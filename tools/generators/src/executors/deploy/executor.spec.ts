import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import deployExecutor, { DEPLOY_DEFAULTS, DEPLOY_TARGET_DEFAULTS, imageOf } from './executor.ts';
import { DEPLOY_STATUS_DEFAULTS } from '../deploy-status/executor.ts';
import rollbackExecutor from '../rollback/executor.ts';
import { contextFor, expectExecutorContract } from '../executor-testing.ts';

const context = contextFor('backend');

describe('deploy executors', () => {
  it.each([
    ['deploy', DEPLOY_DEFAULTS],
    ['promote', DEPLOY_TARGET_DEFAULTS],
    ['rollback', DEPLOY_TARGET_DEFAULTS],
    ['deploy-status', DEPLOY_STATUS_DEFAULTS],
  ])('%s: schema defaults equal the code constants, every property is described, it is registered', (name, defaults) => {
    expectExecutorContract(name, defaults);
  });

  it('the backend project uses the documented configuration', () => {
    const project = JSON.parse(readFileSync(join(context.root, 'apps/backend/project.json'), 'utf8')) as { targets: Record<string, { executor?: string; options?: { config?: string } }> };
    for (const target of ['deploy', 'promote', 'rollback', 'deploy-status']) {
      expect(project.targets[target]).toMatchObject({ executor: `@satvach/nx-platform:${target}`, options: { config: DEPLOY_DEFAULTS.config } });
    }
  });

  it('takes the image from a CD release manifest, or says there is nothing to deploy', () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'release-')), 'manifest.json');
    const digest = `sha256:${'ab'.repeat(32)}`;
    writeFileSync(manifest, JSON.stringify({ gitSha: 'a'.repeat(40), createdAt: '', images: { backend: { image: 'ghcr.io/satvach/backend', digest, tags: [] } } }));
    expect(imageOf({ ...DEPLOY_DEFAULTS, manifest }, context)).toBe(`ghcr.io/satvach/backend@${digest}`);
    expect(imageOf({ ...DEPLOY_DEFAULTS, manifest }, { ...context, projectName: 'frontend' })).toBeUndefined();
    expect(imageOf({ ...DEPLOY_DEFAULTS, image: 'backend:v2', manifest }, context)).toBe('backend:v2');
    expect(() => imageOf({ ...DEPLOY_DEFAULTS }, context)).toThrow(/--image=<ref or digest> or --manifest=/);
    writeFileSync(manifest, JSON.stringify({ gitSha: 'a'.repeat(40), createdAt: '', images: { backend: { image: 'ghcr.io/satvach/backend', digest: 'latest', tags: [] } } }));
    expect(() => imageOf({ ...DEPLOY_DEFAULTS, manifest }, context)).toThrow('images.backend.digest: sha256:<64 hex digits>');
  });

  it('a missing configuration fails the target and names the file', async () => {
    expect(await deployExecutor({ ...DEPLOY_DEFAULTS, config: 'no/such/deploy.json', image: 'x' }, context)).toEqual({ success: false });
    expect(await rollbackExecutor({ config: '/no/such/deploy.json' }, context)).toEqual({ success: false });
  });
});
