import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import deployExecutor, { DEPLOY_DEFAULTS, imageOf } from './executor.ts';
import deployStatusExecutor from '../deploy-status/executor.ts';
import promoteExecutor from '../promote/executor.ts';
import rollbackExecutor from '../rollback/executor.ts';
import { contextFor } from '../executor-testing.ts';

// The schema/defaults contract of these executors is checked for every registered executor in
// ../contract.spec.ts.

const context = contextFor('backend');
afterEach(() => vi.restoreAllMocks());

describe('deploy executors', () => {
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

  it('a missing configuration fails every deploy target, names the file, and writes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'deploy-executor-'));
    const errors: string[] = [];
    vi.spyOn(logger, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    const inRoot = { ...context, root };
    try {
      expect(await deployExecutor({ ...DEPLOY_DEFAULTS, config: 'no/such/deploy.json', image: 'x' }, inRoot)).toEqual({ success: false });
      expect(await rollbackExecutor({ config: '/no/such/deploy.json' }, inRoot)).toEqual({ success: false });
      expect(await promoteExecutor({ config: 'no/such/deploy.json' }, inRoot)).toEqual({ success: false });
      expect(await deployStatusExecutor({ config: 'no/such/deploy.json' }, inRoot)).toEqual({ success: false });

      expect(errors).toHaveLength(4);
      const named = [['deploy', join(root, 'no/such/deploy.json')], ['rollback', '/no/such/deploy.json'], ['promote', join(root, 'no/such/deploy.json')], ['deploy-status', join(root, 'no/such/deploy.json')]];
      for (const [index, [what, file]] of named.entries()) expect(errors[index]).toContain(`${what} failed: cannot read the deploy configuration ${file}: `);
      for (const line of errors) expect(line).toContain('pass --config=<file> or create it from docker/deploy/backend.deploy.json');
      // No state dir, lock or upstream file appeared for a configuration that could not be read.
      expect(readdirSync(root, { recursive: true })).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
