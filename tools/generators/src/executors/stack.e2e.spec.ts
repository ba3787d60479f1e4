import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_EMAIL_TO, alertEnvFor, type AlertSinks, CHANNELS, countNotifications, startAlertSinks, waitForNotifications } from '@satvach/monitoring/testing';
import { docker, harness, nx, readManifest, requireHarness, waitFor } from '../e2e-support.ts';

// `nx run stack:up -c local-images` for real: the whole platform on the local engine, on the host
// network (no bridge here), with PostGIS from Debian and s3rver standing in for the images that
// cannot be pulled. Then the edge is checked from the outside, as a browser would see it.

const project = 'satvach-e2e';
const edge = 'http://127.0.0.1:8080';
const prometheus = 'http://127.0.0.1:9090';
const scratch = mkdtempSync(join(tmpdir(), 'satvach-stack-'));
const envFile = join(scratch, '.env');
const common = [`--projectName=${project}`, `--envFile=${envFile}`, `--stateDir=${join(scratch, 'state')}`];
const registryEnv = { SATVACH_REGISTRY: `${harness.registry}/e2e-stack` };

async function containersOf(name: string): Promise<string[]> {
  const { stdout } = await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`]);
  return String(stdout).split('\n').filter(Boolean);
}

async function curl(path: string, ...args: string[]) {
  const { stdout } = await execa('curl', ['-sS', '-o', '/dev/null', '-D', '-', '-w', '%{size_download}', ...args, `${edge}${path}`]);
  const [headerBlock = '', size = '0'] = stdout.split(/\r?\n\r?\n(?=\d+$)/);
  return { headers: headerBlock.toLowerCase(), bytes: Number(size) };
}

// Where the stack's Alertmanager delivers: Mailpit, a Slack-format receiver and moto's SNS, on loopback.
let sinks: AlertSinks;

beforeAll(async () => {
  await requireHarness();
  sinks = await startAlertSinks();
  // The backup profile's image is built through backup-image:docker-build, like backend and edge.
  const { exitCode, output } = await nx(['run', 'stack:up', '-c', 'local-images', ...common, '--profiles=backup,monitoring'], { ...registryEnv, ...alertEnvFor(sinks) });
  if (exitCode !== 0) throw new Error(`stack:up failed:\n${output.slice(-4000)}`);
});

afterAll(async () => {
  await nx(['run', 'stack:down', ...common.filter((arg) => !arg.startsWith('--envFile')), '--removeVolumes']);
  rmSync(scratch, { recursive: true, force: true });
  await sinks?.stop();
});

describe('the backup profile', () => {
  it('runs a backup in the scheduled container whose restore drill passes', async () => {
    const once = await docker(['exec', `${project}_backup_1`, 'backup_db.sh', '--once'], { reject: false, all: true });
    expect(once.exitCode, String(once.all)).toBe(0);

    const stackEnv = readFileSync(envFile, 'utf8');
    const password = /^SATVACH_DB_BACKUP_PASSWORD=(.+)$/m.exec(stackEnv)?.[1];
    const drillEnv = join(scratch, 'drill.env');
    // The drill restores into a scratch server of its own; of the stack's database it needs only the name.
    writeFileSync(
      drillEnv,
      [
        `SATVACH_BACKUP_DATABASE_URL=postgresql://satvach_backup:${password}@127.0.0.1:5432/satvach`,
        'SATVACH_BACKUP_S3_ENDPOINT_URL=http://127.0.0.1:9000',
        'SATVACH_BACKUP_S3_BUCKET=satvach-backups',
        'SATVACH_BACKUP_S3_ACCESS_KEY_ID=S3RVER',
        'SATVACH_BACKUP_S3_SECRET_ACCESS_KEY=S3RVER',
        '',
      ].join('\n'),
    );
    const drill = await nx(['run', 'db:restore-drill', `--envFile=${drillEnv}`]);
    expect(drill.exitCode, drill.output.slice(-3000)).toBe(0);
    expect(drill.output).not.toContain(String(password));
  });
});

describe('the backup image', () => {
  it('is the one backup-image:docker-build built, pinned by its sha tag (never :latest)', async () => {
    const built = readManifest('backup-image');
    const { stdout } = await docker(['inspect', '--format', '{{.Config.Image}}', `${project}_backup_1`]);
    expect(String(stdout).trim()).toBe(`${built.image}:${built.tags[0]}`);
    expect(built.tags[0]).toMatch(/^sha-[0-9a-f]{7,}$/);
  });
});

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const answer = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (answer.status !== 'success') throw new Error(`query ${query}: ${JSON.stringify(answer)}`);
  return answer.data.result;
}

interface Target { labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }
const activeTargets = async () => ((await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } }).data.activeTargets;

describe('the monitoring profile', () => {
  // Every job of docker/monitoring/prometheus/prometheus.yml that this stack has targets for. minio and
  // cloudflared have none here (s3rver has no metrics; no tunnel profile): their probes stand in.
  const upJobs = ['alertmanager', 'backend', 'backup', 'blackbox', 'cadvisor', 'edge', 'node', 'postgres', 'prometheus'];

  it('scrapes every expected job, each target up and labelled with its service', async () => {
    const targets = await waitFor(
      'every monitoring target up',
      async () => {
        const active = await activeTargets();
        const down = active.filter((target) => upJobs.includes(target.labels.job ?? '') && target.health !== 'up');
        const missing = upJobs.filter((job) => !active.some((target) => target.labels.job === job));
        return down.length === 0 && missing.length === 0 ? active : undefined;
      },
      180_000,
    ).catch(async (error: Error) => {
      const active = await activeTargets().catch(() => [] as Target[]);
      const report = active.map((target) => `${target.labels.job} ${target.scrapeUrl}: ${target.health} ${target.lastError}`).join('\n');
      throw new Error(`${error.message}; jobs missing: ${upJobs.filter((job) => !active.some((t) => t.labels.job === job)).join(', ') || 'none'}; targets:\n${report}`);
    });

    expect(targets.every((target) => Boolean(target.labels.service)), JSON.stringify(targets.map((t) => t.labels))).toBe(true);
    const probes = targets.filter((target) => target.labels.job === 'blackbox').map((target) => target.labels.probe).sort();
    expect(probes).toEqual(['api', 'health', 'object-storage', 'public']);
    const success = await waitFor('every probe succeeding', async () => {
      const result = await promQuery('probe_success{job="blackbox"}');
      return result.length === 4 && result.every((sample) => sample.value[1] === '1') ? result : undefined;
    }, 90_000);
    expect(success.map((sample) => sample.metric.probe).sort()).toEqual(probes);
    // The backup profile is on: its target is discovered (backup:9464, the backup part's metrics endpoint).
    expect(targets.filter((target) => target.labels.job === 'backup').map((target) => target.labels.instance)).toEqual(['backup:9464']);
    expect(targets.filter((target) => ['minio', 'cloudflared'].includes(target.labels.job ?? ''))).toEqual([]);
    // cAdvisor's names, per container.
    const memory = await promQuery(`container_memory_working_set_bytes{job="cadvisor",name="${project}_db_1"}`);
    expect(Number(memory[0]?.value[1])).toBeGreaterThan(1_000_000);
    const alertmanagers = (await (await fetch(`${prometheus}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(alertmanagers.data.activeAlertmanagers.map((am) => am.url)).toEqual(['http://alertmanager:9093/api/v2/alerts']);
  });

  it('counts requests sent through the edge in the backend\'s metrics; the edge does not serve /metrics', async () => {
    const route = '/api/v1/places/nearby';
    const count = async () => Number((await promQuery(`sum(http_requests_total{job="backend",route="${route}",status="200"})`))[0]?.value[1] ?? 0);
    const before = await count();
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${edge}${route}?lat=18.52&lon=73.85`)).status).toBe(200);

    const after = await waitFor('the scraped counter to grow by 5', async () => {
      const now = await count();
      return now >= before + 5 ? now : undefined;
    }, 90_000);

    expect(after).toBeGreaterThanOrEqual(before + 5);
    const latency = await promQuery(`sum(http_request_duration_seconds_count{job="backend",route="${route}"})`);
    expect(Number(latency[0]?.value[1])).toBeGreaterThanOrEqual(5);
    const edgeRequests = await promQuery('nginx_http_requests_total{job="edge"}');
    expect(Number(edgeRequests[0]?.value[1])).toBeGreaterThan(0);
    const fromOutside = await (await fetch(`${edge}/metrics`)).text();
    expect(fromOutside).not.toContain('http_requests_total');
    // stub_status is on the internal port only (8082), not on the public listener.
    expect(await (await fetch(`${edge}/stub_status`)).text()).not.toContain('Active connections');
    expect(await (await fetch('http://127.0.0.1:8082/stub_status')).text()).toContain('Active connections');
  });

  it('reads PostgreSQL as the monitoring role (pg_up 1), which cannot read the app\'s tables', async () => {
    const up = await waitFor('pg_up', async () => {
      const result = await promQuery('pg_up{job="postgres"}');
      return result.length > 0 ? result : undefined;
    });
    expect(up.map((sample) => sample.value[1])).toEqual(['1']);
    const psql = (user: string, sql: string) =>
      docker(['exec', `${project}_db_1`, 'psql', '--username', user, '--dbname', 'satvach', '--no-psqlrc', '--tuples-only', '--no-align', '--command', sql], { reject: false, all: true });
    const exporterSessions = await psql('satvach', "SELECT count(*) FROM pg_stat_activity WHERE usename = 'satvach_monitor'");
    expect(Number(String(exporterSessions.stdout).trim()), String(exporterSessions.all)).toBeGreaterThanOrEqual(1);
    const readPlaces = await psql('satvach_monitor', 'SELECT count(*) FROM public.places');
    expect(readPlaces.exitCode).not.toBe(0);
    expect(String(readPlaces.all)).toContain('permission denied for schema public');
  });

  it('PostGIS stopped: DatabaseDown reaches a person by email, Slack and SMS, and each says resolved once it is back', async () => {
    const db = `${project}_db_1`;
    const firingBefore = await countNotifications(sinks, 'DatabaseDown', 'firing');
    const resolvedBefore = await countNotifications(sinks, 'DatabaseDown', 'resolved');
    const stoppedAt = Date.now();
    await docker(['stop', db]);
    try {
      const firing = await waitForNotifications(sinks, 'DatabaseDown', 'firing', { already: firingBefore, timeoutMs: 360_000 });
      // Fault → delivery on the real stack (30 s scrape, `for: 1m`); bench/monitoring times the pipeline.
      console.log(`DatabaseDown fault → delivery: ${CHANNELS.map((channel) => `${channel} ${((firing[channel].seenAt - stoppedAt) / 1000).toFixed(1)} s`).join(', ')}`);
      expect(firing.email.content).toContain(`To: ${ALERT_EMAIL_TO}`);
      expect(firing.email.content).toContain('runbooks/database/DatabaseDown.md');
      expect(firing.slack.content).toContain('channel=#alerts');
      expect(firing.slack.content).toContain('(pg_up = 0)');
      expect(firing.sms.content).toMatch(/^\[FIRING\] DatabaseDown: /);
      expect(sinks.slack.rejected).toEqual([]);
    } finally {
      await docker(['start', db]);
    }
    const resolved = await waitForNotifications(sinks, 'DatabaseDown', 'resolved', { already: resolvedBefore, timeoutMs: 360_000 });
    expect(Object.keys(resolved).sort()).toEqual([...CHANNELS].sort());
    await waitFor('PostGIS healthy again', async () => (String((await docker(['inspect', '--format', '{{.State.Health.Status}}', db])).stdout).trim() === 'healthy' ? true : undefined), 180_000);
  });

  it('a changed rotation reaches the running Alertmanager on the next stack:up; Prometheus reloads without a restart', async () => {
    const alertmanager = 'http://127.0.0.1:9093';
    const loadedConfig = async () => ((await (await fetch(`${alertmanager}/api/v2/status`)).json()) as { config: { original: string } }).config.original;
    const containerId = async (service: string) => String((await docker(['inspect', '--format', '{{.Id}}', `${project}_${service}_1`])).stdout).trim();
    const prometheusLastReload = async () => Number(/^prometheus_config_last_reload_success_timestamp_seconds (\S+)$/m.exec(await (await fetch(`${prometheus}/metrics`)).text())?.[1]);
    // A new person, primary from this week's start: the rendered routes page her.
    const documented = readFileSync(join(workspaceRoot, 'runbooks/oncall/rotation.yaml'), 'utf8');
    const rotation = documented
      .replace(/^people:\n/m, 'people:\n  - { id: hedy, name: Hedy Example, email: hedy@example.com, slack: "@hedy", phone: "+12025550105" }\n')
      .replace(/^(\s+order: \[)/m, '$1hedy, ');
    expect(rotation.match(/hedy/g)?.length, 'the documented rotation still has `people:` and a weekly `order: [...]`').toBe(4);
    const rotationFile = join(scratch, 'rotation.yaml');
    writeFileSync(rotationFile, rotation);
    expect(await loadedConfig()).not.toContain('oncall-hedy');
    const before = { prometheus: await containerId('prometheus'), reload: await prometheusLastReload() };

    const { exitCode, output } = await nx(['run', 'stack:up', '-c', 'local-images', ...common, '--profiles=backup,monitoring'], { ...registryEnv, ...alertEnvFor(sinks), SATVACH_ONCALL_ROTATION: rotationFile });

    expect(exitCode, output.slice(-4000)).toBe(0);
    expect(output).toContain('alertmanager reloaded /etc/alertmanager/rendered/alertmanager.yml');
    const loaded = await loadedConfig();
    expect(loaded).toContain('name: oncall-hedy');
    expect(loaded).toContain('hedy@example.com');
    // Compose recreates Alertmanager here (seen in CI: a new container id), which loads the new config as well as a reload would.
    expect(await containerId('prometheus')).toBe(before.prometheus);
    expect(await prometheusLastReload()).toBeGreaterThan(before.reload);
  });
});

describe('the whole stack through the edge', () => {
  it('created the env file with generated secrets, readable by its owner only', () => {
    const env = readFileSync(envFile, 'utf8');
    for (const key of ['POSTGRES_PASSWORD', 'SATVACH_DB_OWNER_PASSWORD', 'SATVACH_DB_APP_PASSWORD', 'SATVACH_DB_BACKUP_PASSWORD']) expect(env).toMatch(new RegExp(`^${key}=[\\w-]{20,}$`, 'm'));
    expect(env).not.toMatch(/=generate-on-first-start$/m);
    const { mode, uid } = statSync(envFile);
    expect((mode & 0o777).toString(8)).toBe('600');
    expect(uid).toBe(process.getuid?.());
  });

  it('serves the page and the nearby API, creates a place and takes its photo', async () => {
    expect((await fetch(`${edge}/`)).status).toBe(200);
    const ready = await fetch(`${edge}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const created = await fetch(`${edge}/api/v1/places`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Shaniwar Wada', category: 'park', lat: 18.5195, lon: 73.8553 }),
    });
    expect(created.status).toBe(201);
    const place = (await created.json()) as { id: string };

    const nearby = (await (await fetch(`${edge}/api/v1/places/nearby?lat=18.5204&lon=73.8567&radius_m=1000`)).json()) as { items: { id: string }[] };
    expect(nearby.items.map((item) => item.id)).toContain(place.id);

    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
    const form = new FormData();
    form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'wada.jpg');
    const uploaded = await fetch(`${edge}/api/v1/places/${place.id}/photo`, { method: 'POST', body: form });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const link = (await (await fetch(`${edge}/api/v1/places/${place.id}/photo`)).json()) as { url: string };
    const photo = await fetch(link.url);
    expect(Buffer.from(await photo.arrayBuffer()).equals(jpeg)).toBe(true);
  });

  it('keeps the data across down and up', async () => {
    const before = (await (await fetch(`${edge}/api/v1/places/nearby?lat=18.5204&lon=73.8567`)).json()) as { items: unknown[] };
    expect(before.items.length).toBeGreaterThan(0);

    const down = await nx(['run', 'stack:down', `--projectName=${project}`, `--stateDir=${join(scratch, 'state')}`]);
    expect(down.exitCode, down.output).toBe(0);
    expect((await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`])).stdout).toBe('');
    // The rendered config holds every secret of the stack: down deletes it, and the monitoring files.
    expect(existsSync(join(scratch, 'state', `${project}.compose.yml`))).toBe(false);
    expect(existsSync(join(scratch, 'state', `${project}.monitoring`))).toBe(false);

    // Up again as production does: the backup image by the digest a release manifest names.
    const push = await nx(['run', 'backup-image:docker-push', '-c', 'local-images'], registryEnv);
    expect(push.exitCode, push.output.slice(-3000)).toBe(0);
    const releaseFile = join(scratch, 'release.json');
    const sha = (await execa('git', ['rev-parse', 'HEAD'], { cwd: workspaceRoot })).stdout.trim();
    await execa(process.execPath, ['libs/ci/src/bin/release-manifest.ts', '--projects=backup-image', `--sha=${sha}`, `--out=${releaseFile}`], { cwd: workspaceRoot });
    const released = readManifest('backup-image');
    const { backend, frontend } = { backend: readManifest('backend'), frontend: readManifest('frontend') };
    const up = await nx(['run', 'stack:up', '-c', 'local-images', ...common, '--profiles=backup', `--releaseManifest=${releaseFile}`, `--backendImage=${backend.image}:${backend.tags[0]}`, `--edgeImage=${frontend.image}:${frontend.tags[0]}`]);
    expect(up.exitCode, up.output.slice(-3000)).toBe(0);
    const { stdout: runningImage } = await docker(['inspect', '--format', '{{.Config.Image}}', `${project}_backup_1`]);
    expect(String(runningImage).trim()).toBe(`${released.image}@${released.digest}`);

    const after = (await (await fetch(`${edge}/api/v1/places/nearby?lat=18.5204&lon=73.8567`)).json()) as { items: unknown[] };
    expect(after.items).toEqual(before.items);
  });
});

describe('database roles', () => {
  it('after the bootstrap no session is the superuser\'s, and the backend connects as the app role', async () => {
    // Traffic first, so the backend's pool holds connections to look at.
    expect((await fetch(`${edge}/health/ready`)).status).toBe(200);
    const sessions = await docker([
      'exec', `${project}_db_1`, 'psql', '--username', 'satvach', '--dbname', 'satvach', '--no-psqlrc', '--tuples-only', '--no-align', '--field-separator', '|', '--command',
      // Client sessions only: background workers such as the logical replication launcher run under the bootstrap superuser's id.
      `SELECT a.usename, r.rolsuper, a.pid = pg_backend_pid(), a.application_name FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid WHERE a.backend_type = 'client backend' ORDER BY 1`,
    ]);
    const rows = String(sessions.stdout).split('\n').filter(Boolean).map((line) => line.split('|'));
    const superuser = rows.filter(([, isSuper]) => isSuper === 't').map((row) => row.slice(0, 3));
    expect(superuser, `superuser sessions besides this query: ${JSON.stringify(rows)}`).toEqual([['satvach', 't', 't']]);
    const users = new Set(rows.map(([user]) => user));
    expect(users.has('satvach_app'), JSON.stringify(rows)).toBe(true);
    expect([...users].filter((user) => !['satvach', 'satvach_app', 'satvach_backup', 'satvach_monitor'].includes(user ?? ''))).toEqual([]);

    const roles = await docker(['exec', `${project}_db_1`, 'psql', '--username', 'satvach', '--dbname', 'satvach', '--no-psqlrc', '--tuples-only', '--no-align', '--command', `SELECT tableowner FROM pg_tables WHERE tablename = 'places'`]);
    expect(String(roles.stdout).trim()).toBe('satvach_owner');
  });
});

describe('the edge', () => {
  it('serves hashed assets precompressed and with immutable caching; the page with no-cache', async () => {
    const index = await (await fetch(`${edge}/`)).text();
    const script = /\/assets\/index-[\w-]+\.js/.exec(index)?.[0] as string;
    const style = /\/assets\/index-[\w-]+\.css/.exec(index)?.[0] as string;
    for (const asset of [script, style]) {
      const br = await curl(asset, '-H', 'Accept-Encoding: br');
      const gzip = await curl(asset, '-H', 'Accept-Encoding: gzip');
      const identity = await curl(asset);
      expect(br.headers).toContain('content-encoding: br');
      expect(gzip.headers).toContain('content-encoding: gzip');
      expect(identity.headers).not.toContain('content-encoding');
      expect(br.bytes).toBeLessThan(gzip.bytes);
      expect(gzip.bytes).toBeLessThan(identity.bytes);
      expect(identity.headers).toContain('cache-control: public, max-age=31536000, immutable');
    }
    for (const page of ['/', '/some/client/route']) {
      const { headers } = await curl(page);
      expect(headers).toContain('cache-control: no-cache');
      expect(headers).toContain('content-type: text/html');
    }
  });

  it('sends the security headers on pages, assets and API answers', async () => {
    for (const path of ['/', '/api/v1/places/nearby?lat=1&lon=1']) {
      const { headers } = await curl(path);
      expect(headers).toContain("content-security-policy: default-src 'self'");
      expect(headers).toContain("frame-ancestors 'none'");
      expect(headers).toContain('x-content-type-options: nosniff');
      expect(headers).toContain('referrer-policy: strict-origin-when-cross-origin');
      expect(headers).toContain('permissions-policy: geolocation=(self)');
      expect(headers).not.toContain('strict-transport-security');
    }
  });

  it('answers /health at the edge with 200 and no redirect; the edge trusts the connector on loopback only', async () => {
    const health = await fetch(`${edge}/health`, { redirect: 'manual' });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const { stdout } = await docker(['inspect', '--format', '{{json .Config.Env}}', `${project}_edge_1`]);
    expect(JSON.parse(String(stdout))).toContain('SATVACH_EDGE_TRUSTED_PROXY=127.0.0.1,::1');
  });

  it('compresses API JSON on the fly and passes the request id through', async () => {
    const { headers } = await curl('/api/v1/places/nearby?lat=18.52&lon=73.85', '-H', 'Accept-Encoding: br', '-H', 'X-Request-ID: e2e-trace-1');
    expect(headers).toContain('content-encoding: br');
    expect(headers).toContain('x-request-id: e2e-trace-1');
  });

  it('answers a burst on /api with 429 beyond the limit while /healthz stays 200', async () => {
    // Earlier tests spent some of this client's allowance; at 20 r/s it is whole again after 2 s.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const burst = await Promise.all(Array.from({ length: 120 }, () => fetch(`${edge}/api/v1/places/nearby?lat=1&lon=1`).then((r) => r.status)));
    const health = await fetch(`${edge}/healthz`);

    expect(new Set(burst)).toEqual(new Set([200, 429]));
    // The burst allowance (40) is served, give or take what the clock refilled or a slow client spent.
    expect(burst.filter((status) => status === 200).length).toBeGreaterThanOrEqual(30);
    expect(burst.filter((status) => status === 429).length).toBeGreaterThanOrEqual(40);
    expect(health.status).toBe(200);
  });
});

describe('a bad environment', () => {
  it('is refused with every problem listed, a secret file honoured, and no container started', async () => {
    const badProject = 'satvach-badenv';
    const secretFile = join(scratch, 'pg-password');
    writeFileSync(secretFile, 'a-password-from-a-file\n');
    const badEnv = join(scratch, 'bad.env');
    writeFileSync(badEnv, `POSTGRES_PASSWORD_FILE=${secretFile}\nMINIO_ROOT_PASSWORD=short\nSATVACH_HTTP_PORT=eighty\nSATVACH_S3_BUCKET=Not_A_Bucket\nSATVACH_DB_APP_PASSWORD=app pw 12345\n`);

    const { exitCode, output } = await nx([
      'run', 'stack:up', '-c', 'local-images', `--projectName=${badProject}`, `--envFile=${badEnv}`, `--stateDir=${join(scratch, 'bad-state')}`,
      '--backendImage=127.0.0.1:5000/none/backend:x', '--edgeImage=127.0.0.1:5000/none/frontend:x',
    ]);

    expect(exitCode).not.toBe(0);
    expect(output).toContain('MINIO_ROOT_PASSWORD (or MINIO_ROOT_PASSWORD_FILE): at least 8 characters');
    expect(output).toContain('SATVACH_HTTP_PORT:');
    expect(output).toContain('SATVACH_S3_BUCKET: must be an S3 bucket name');
    expect(output).toContain('SATVACH_DB_APP_PASSWORD (or SATVACH_DB_APP_PASSWORD_FILE): letters, digits and . _ ~ - only');
    expect(output).not.toContain('POSTGRES_PASSWORD');
    expect(output).not.toContain('short');
    expect(output).not.toContain('app pw 12345');
    expect(readFileSync(badEnv, 'utf8')).not.toContain('SATVACH_DB_OWNER_PASSWORD');
    expect(await containersOf(badProject)).toEqual([]);
  });
});
