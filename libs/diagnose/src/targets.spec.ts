import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStackEnv } from '@satvach/compose';
import { SERVICE_PORTS, stackTargets } from './targets.ts';

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
      database: 'satvach', user: 'satvach_app', password: 'a-generated-secret-42', connectionLimit: 64, superuser: 'satvach',
    });
    expect(String(targets.db.password)).not.toContain('a-generated-secret-42');
    expect({ ...targets.storage, secretAccessKey: undefined }).toEqual({ buckets: ['satvach-photos'], accessKeyId: 'satvach-backend', secretAccessKey: undefined });
    expect(targets.edgeOrigin).toBe('http://127.0.0.1:8080');
    expect(targets.deployStateFile).toBe('/var/lib/satvach/deploy/state.json');
  });

  it('follows the env\'s bucket, app role and edge address', () => {
    const targets = targetsFor('SATVACH_S3_BUCKET=photos-eu\nSATVACH_HTTP_BIND=0.0.0.0\nSATVACH_HTTP_PORT=9080\nSATVACH_DB_APP_USER=app\n');
    expect([targets.db.user, targets.storage.buckets, targets.edgeOrigin]).toEqual(['app', ['photos-eu'], 'http://127.0.0.1:9080']);
  });

  // Published ports (SATVACH_DB_PORT) are not where a container listens: the engine gives the address.
  it('asks each service on the port its container listens on, whatever the env publishes', () => {
    expect(targetsFor('SATVACH_DB_PORT=5433\n').services).toEqual(SERVICE_PORTS);
  });

  it('uses the ports docker/compose.yml has each service listen on', () => {
    const services = (parse(readFileSync(join(import.meta.dirname, '../../../docker/compose.yml'), 'utf8')) as { services: Record<string, { expose?: string[]; command?: string[] }> }).services;
    for (const { service, port } of Object.values(SERVICE_PORTS)) {
      // cloudflared exposes nothing of its own (it is in the edge's namespace): its command says the metrics port.
      const listens = service === 'cloudflared' ? (services[service]?.command ?? []).filter((arg) => arg.endsWith(`:${port}`)) : (services[service]?.expose ?? []).filter((entry) => entry === String(port));
      expect(listens, `${service} on ${port}`).toHaveLength(1);
    }
  });
});
