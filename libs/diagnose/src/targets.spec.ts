import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStackEnv } from '@satvach/compose';
import { stackTargets } from './targets.ts';

// The documented example (docker/.env.example, its generated secrets filled in) is what diagnose reads.
const example = readFileSync(join(import.meta.dirname, '../../../docker/.env.example'), 'utf8');

function targetsFor(overrides: string): ReturnType<typeof stackTargets> {
  const dir = mkdtempSync(join(tmpdir(), 'satvach-targets-'));
  try {
    writeFileSync(join(dir, '.env'), `${example.replace(/=generate-on-first-start$/gm, '=a-generated-secret-42')}\n${overrides}`);
    return stackTargets(loadStackEnv({ envFile: join(dir, '.env'), processEnv: {} }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('where diagnose looks', () => {
  it('follows the documented example env: app role, photo bucket, edge address', () => {
    const targets = targetsFor('');
    expect({ ...targets.db, password: targets.db.password.reveal(), superuser: targets.db.superuser?.user }).toEqual({
      host: '127.0.0.1', port: 5432, database: 'satvach', user: 'satvach_app', password: 'a-generated-secret-42', connectionLimit: 64, superuser: 'satvach',
    });
    expect(String(targets.db.password)).not.toContain('a-generated-secret-42');
    expect({ ...targets.storage, secretAccessKey: undefined }).toEqual({ endpoint: 'http://127.0.0.1:9000', buckets: ['satvach-photos'], accessKeyId: 'satvach-backend', secretAccessKey: undefined });
    expect(targets.edgeOrigin).toBe('http://127.0.0.1:8080');
    expect(targets.deployStateFile).toBe('/var/lib/satvach/deploy/state.json');
  });

  it('follows the env\'s ports, bucket and bind address', () => {
    const targets = targetsFor('SATVACH_DB_PORT=5433\nSATVACH_S3_BUCKET=photos-eu\nSATVACH_HTTP_BIND=0.0.0.0\nSATVACH_HTTP_PORT=9080\nSATVACH_DB_APP_USER=app\n');
    expect([targets.db.port, targets.db.user, targets.storage.buckets, targets.edgeOrigin]).toEqual([5433, 'app', ['photos-eu'], 'http://127.0.0.1:9080']);
  });
});
