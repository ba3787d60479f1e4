import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, type Command, revealValue, run as realRun, type RunFn, type RunResult, silentLogger } from '@satvach/exec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderedConfigPath, stackDown, StackFailedError, stackUp, type StackUpRequest } from './stack.ts';
import { StackEnvError } from './env.ts';
import { RotationError } from '@satvach/oncall';
import { VALID_ALERT_ENV } from '@satvach/monitoring/testing';

// The orchestration as data: a recorded docker client answers, so each branch (failure report,
// refusal before anything runs) is checked exactly. The real engine runs in the stack e2e.

const RENDERED = `
services:
  db: { image: postgis, healthcheck: { test: [CMD, pg_isready] } }
  backend:
    image: api
    healthcheck: { test: [CMD, curl] }
    depends_on: { db: { condition: service_healthy } }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-up-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });

/** A docker client whose stack runs db, backend and `more.running` (healthy); `more.answer` answers first where it knows the command. */
function dockerAnswering(backendHealth: string, more: { rendered?: string; running?: string[]; answer?: (args: string[]) => RunResult | undefined } = {}): { run: RunFn; calls: Command[] } {
  const calls: Command[] = [];
  const others = more.running ?? [];
  const run: RunFn = async (command) => {
    calls.push(command);
    const args = command.args.map(String);
    const answer = more.answer?.(args);
    if (answer) return answer;
    if (args.includes('config')) return ok(more.rendered ?? RENDERED);
    if (args[0] === 'ps') return ok(['db', 'backend', ...others].map((service) => `id-${service}\n`).join(''));
    if (args[0] === 'inspect') {
      const container = (service: string, health: string) => ({ Id: `id-${service}`, Config: { Labels: { 'com.docker.compose.service': service } }, State: { Status: 'running', ExitCode: 0, Health: { Status: health } } });
      return ok(JSON.stringify([container('db', 'healthy'), container('backend', backendHealth), ...others.map((service) => container(service, 'healthy'))]));
    }
    if (args[0] === 'logs') return ok('connecting to db with password hunter2hunter2\nboom: readiness failed\n');
    return ok();
  };
  return { run, calls };
}

const S3_SECRETS = 'SATVACH_S3_SECRET_ACCESS_KEY=backend-secret-1\nSATVACH_BACKUP_S3_SECRET_ACCESS_KEY=backup-secret-1\nSATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY=prune-secret-1\nSATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY=monitor-secret-1\n';
const ROLE_PASSWORDS = 'SATVACH_DB_OWNER_PASSWORD=owner-password-1\nSATVACH_DB_APP_PASSWORD=app-password-123\nSATVACH_DB_BACKUP_PASSWORD=backup-password-1\nSATVACH_DB_MONITOR_PASSWORD=monitor-password-1\n';

function request(overrides: Partial<StackUpRequest> = {}): StackUpRequest {
  const envFile = join(dir, '.env');
  writeFileSync(envFile, `POSTGRES_PASSWORD=hunter2hunter2\nMINIO_ROOT_PASSWORD=minio-secret-1\n${ROLE_PASSWORDS}${S3_SECRETS}`);
  return {
    projectName: 'satvach-test', stateDir: join(dir, 'state'), docker: 'docker', files: ['/w/docker/compose.yml'], profiles: [],
    envFile, exampleFile: join(dir, 'none'), workspaceRoot: dir, processEnv: {}, images: { SATVACH_BACKEND_IMAGE: 'a/backend:1', SATVACH_EDGE_IMAGE: 'a/edge:1' },
    hostNetwork: false, timeoutMs: 60_000, randomSecret: () => 'x', clock: { now: () => Date.now(), sleep: async () => {} }, ...overrides,
  };
}
const quiet = { ...silentLogger, table: () => {} };

/** Each service's verdict after `stackUp` with the default request and `run` as the docker client. */
async function verdictsOf(run: RunFn): Promise<string[][]> {
  const { statuses } = await stackUp(request(), run, quiet);
  return statuses.map((s) => [s.service, s.verdict]);
}
const BOTH_READY = [['db', 'ready'], ['backend', 'ready']];

describe('stackUp', () => {
  it('returns when every service is healthy, keeping the rendered config private', async () => {
    const { run } = dockerAnswering('healthy');

    const { statuses } = await stackUp(request(), run, quiet);

    expect(statuses.map((s) => [s.service, s.verdict])).toEqual([['db', 'ready'], ['backend', 'ready']]);
    expect(statSync(renderedConfigPath(join(dir, 'state'), 'satvach-test')).mode & 0o777).toBe(0o600);
  });

  it('fails on an unhealthy service with its last log lines, secrets redacted by the runner', async () => {
    const { run: docker, calls } = dockerAnswering('unhealthy');
    // `docker logs` is a real process through @satvach/exec's run, printing the database password the
    // way a service's log would; stackUp must hand the runner every secret so that it redacts them.
    const run: RunFn = async (command, options) => {
      const answer = await docker(command, options);
      if (command.args[0] !== 'logs') return answer;
      return realRun({ file: process.execPath, args: ['-e', `process.stdout.write(${JSON.stringify(answer.stdout)})`], secrets: command.secrets }, options);
    };

    const failure = await stackUp(request(), run, quiet).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StackFailedError);
    const message = (failure as Error).message;
    expect(message).toContain('--- backend (running, health unhealthy): last log lines ---');
    expect(message).toContain('connecting to db with password ***\nboom: readiness failed');
    expect(message).not.toContain('hunter2hunter2');
    const logs = calls.find((call) => call.args[0] === 'logs');
    expect(logs?.secrets).toEqual(['hunter2hunter2', 'owner-password-1', 'app-password-123', 'backup-password-1', 'monitor-password-1', 'minio-secret-1', 'backend-secret-1', 'backup-secret-1', 'prune-secret-1', 'monitor-secret-1']);
  });

  it('gives up on a service still starting at the deadline, naming it, on a clock that only moves when it sleeps', async () => {
    const { run } = dockerAnswering('starting');
    let now = 0;
    const slept: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) };

    const failure = await stackUp(request({ timeoutMs: 5_000, clock }), run, quiet).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StackFailedError);
    expect((failure as Error).message).toMatch(/^not healthy after 5 s: backend\n--- backend \(running, health starting\): last log lines ---/);
    // One status check a second until the deadline, and one more after it.
    expect(slept).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('gives an env file from before the database roles generated role passwords, and says so', async () => {
    const { run, calls } = dockerAnswering('healthy');
    const envFile = join(dir, 'old.env');
    writeFileSync(envFile, `POSTGRES_PASSWORD=hunter2hunter2\nMINIO_ROOT_PASSWORD=minio-secret-1\n${S3_SECRETS}`);
    const exampleFile = join(dir, '.env.example');
    writeFileSync(exampleFile, ['POSTGRES_PASSWORD', 'SATVACH_DB_OWNER_PASSWORD', 'SATVACH_DB_APP_PASSWORD', 'SATVACH_DB_BACKUP_PASSWORD', 'SATVACH_DB_MONITOR_PASSWORD', 'MINIO_ROOT_PASSWORD'].map((key) => `${key}=generate-on-first-start\n`).join(''));
    const said: string[] = [];
    let n = 0;

    await stackUp({ ...request(), envFile, exampleFile, randomSecret: () => `generated-role-pw-${++n}` }, run, { ...quiet, info: (message) => said.push(message) });

    expect(said).toContain(`added generated SATVACH_DB_OWNER_PASSWORD, SATVACH_DB_APP_PASSWORD, SATVACH_DB_BACKUP_PASSWORD, SATVACH_DB_MONITOR_PASSWORD to ${envFile} (new since it was created)`);
    const env = calls.find((call) => call.args.includes('config'))?.env ?? {};
    const revealed = (key: string) => revealValue(env[key] ?? '');
    expect([revealed('SATVACH_DB_APP_PASSWORD'), revealed('POSTGRES_PASSWORD')]).toEqual(['generated-role-pw-2', 'hunter2hunter2']);
    expect(readFileSync(envFile, 'utf8')).toContain('SATVACH_DB_APP_PASSWORD=generated-role-pw-2');
  });

  it('with the monitoring profile, refuses a broken on-call rotation before running or writing anything', async () => {
    const { run, calls } = dockerAnswering('healthy');
    writeFileSync(join(dir, 'rotation.yaml'), 'timezone: Mars/Olympus\n');
    const alertEnv = Object.entries(VALID_ALERT_ENV).map(([key, value]) => `${key}=${value}\n`).join('');
    const base = request({ profiles: ['monitoring'], processEnv: { SATVACH_ONCALL_ROTATION: 'rotation.yaml' } });
    writeFileSync(base.envFile, `${readFileSync(base.envFile, 'utf8')}${alertEnv}`);

    const failure = await stackUp(base, run, quiet).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RotationError);
    expect((failure as Error).message).toContain(`${join(dir, 'rotation.yaml')} is not a valid on-call rotation`);
    expect(calls).toEqual([]);
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });

  it('with the monitoring profile, refuses an escalation delay the primary\'s page would outlast, before writing anything', async () => {
    const { run, calls } = dockerAnswering('healthy');
    const documented = readFileSync(join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml'), 'utf8');
    writeFileSync(join(dir, 'rotation.yaml'), documented.replace('escalation_delay: 15m', 'escalation_delay: 10s'));
    const alertEnv = Object.entries(VALID_ALERT_ENV).map(([key, value]) => `${key}=${value}\n`).join('');
    const base = request({ profiles: ['monitoring'], processEnv: { SATVACH_ONCALL_ROTATION: 'rotation.yaml' } });
    writeFileSync(base.envFile, `${readFileSync(base.envFile, 'utf8')}${alertEnv}`);
    const envBefore = readFileSync(base.envFile, 'utf8');

    const failure = await stackUp(base, run, quiet).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RotationError);
    expect((failure as RotationError).problems).toEqual([expect.stringMatching(/^escalation_delay: 10s must be longer than 10s/)]);
    expect(calls).toEqual([]);
    expect(existsSync(join(dir, 'state'))).toBe(false);
    expect(readFileSync(base.envFile, 'utf8')).toBe(envBefore);
  });

  describe('with the monitoring profile, once the stack is ready', () => {
    const MONITORED = `${RENDERED}  alertmanager:
    image: am
    profiles: [monitoring]
    healthcheck: { test: [CMD, wget] }
    command: [--config.file=/etc/alertmanager/rendered/alertmanager.yml, --web.listen-address=:9093]
`;
    const metricsPage = (successful: number, at: number) => `alertmanager_config_last_reload_successful ${successful}\nalertmanager_config_last_reload_success_timestamp_seconds ${at}\n`;

    /** The docker client of a ready stack whose Alertmanager answers /metrics with `pages` in turn (the last one repeating). */
    function monitoredDocker(pages: string[], check = ok('SUCCESS')): { run: RunFn; calls: Command[] } {
      return dockerAnswering('healthy', {
        rendered: MONITORED,
        running: ['alertmanager'],
        answer: (args) => {
          if (args[0] === 'exec' && args.includes('wget')) return ok(pages.length > 1 ? (pages.shift() as string) : pages[0]);
          if (args[0] === 'exec' && args.includes('amtool')) {
            if (check.exitCode === 0) return check;
            throw new CommandFailedError({ command: args.join(' '), reason: 'exit', exitCode: 1, stdout: check.stdout, stderr: check.stderr, durationMs: 1 });
          }
          return args[0] === 'logs' ? ok('level=error msg="Loading configuration file failed"') : undefined;
        },
      });
    }

    function monitoredRequest(): StackUpRequest {
      const base = request({ profiles: ['monitoring'], processEnv: { SATVACH_ONCALL_ROTATION: join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml') } });
      writeFileSync(base.envFile, `${readFileSync(base.envFile, 'utf8')}${Object.entries(VALID_ALERT_ENV).map(([key, value]) => `${key}=${value}\n`).join('')}`);
      return base;
    }

    it('sends Alertmanager SIGHUP after compose up and returns once it reports a later successful reload', async () => {
      const { run, calls } = monitoredDocker([metricsPage(1, 100.5), metricsPage(1, 100.5), metricsPage(1, 101.25)]);

      await stackUp(monitoredRequest(), run, quiet);

      const invoked = calls.map((call) => call.args.map(String));
      const up = invoked.findIndex((args) => args.includes('up'));
      const signal = invoked.findIndex((args) => args[0] === 'kill');
      expect(invoked[signal]).toEqual(['kill', '--signal', 'HUP', 'id-alertmanager']);
      expect(signal).toBeGreaterThan(up);
      // Read before the signal, then until the later success: three pages in all.
      expect(invoked.filter((args) => args.includes('wget'))).toHaveLength(3);
    });

    it('fails naming Alertmanager, the reason amtool gives and its last log lines when the reload fails', async () => {
      const { run } = monitoredDocker([metricsPage(1, 100.5), metricsPage(0, 100.5)], { exitCode: 1, stdout: 'Checking \'/etc/alertmanager/rendered/alertmanager.yml\'  FAILED: undefined receiver "oncall-hedy"', stderr: '', durationMs: 1 });

      const failure = (await stackUp(monitoredRequest(), run, quiet).catch((error: unknown) => error)) as Error;

      expect(failure).toBeInstanceOf(StackFailedError);
      expect(failure.message).toContain('alertmanager did not reload its config (alertmanager_config_last_reload_successful is 0)');
      expect(failure.message).toContain('--- amtool check-config /etc/alertmanager/rendered/alertmanager.yml ---');
      expect(failure.message).toContain('FAILED: undefined receiver "oncall-hedy"');
      expect(failure.message).toContain('Loading configuration file failed');
    });

    it('fails when no reload is reported before the deadline', async () => {
      const { run } = monitoredDocker([metricsPage(1, 100.5)]);
      let now = 0;
      const clock = { now: () => now, sleep: async (ms: number) => { now += ms; } };

      const failure = (await stackUp({ ...monitoredRequest(), clock }, run, quiet).catch((error: unknown) => error)) as Error;

      expect(failure.message).toContain('alertmanager did not reload its config (no successful reload reported within 60 s)');
    });
  });

  it('writes no generated role password into an env file that is invalid for another reason', async () => {
    const { run, calls } = dockerAnswering('healthy');
    const envFile = join(dir, 'old-bad.env');
    const before = 'POSTGRES_PASSWORD=short\nMINIO_ROOT_PASSWORD=minio-secret-1\n';
    writeFileSync(envFile, before);
    const exampleFile = join(dir, '.env.example');
    writeFileSync(exampleFile, 'SATVACH_DB_APP_PASSWORD=generate-on-first-start\n');

    await expect(stackUp({ ...request(), envFile, exampleFile }, run, quiet)).rejects.toBeInstanceOf(StackEnvError);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
    expect(calls).toEqual([]);
  });

  it('starts nothing when the environment is invalid', async () => {
    const { run, calls } = dockerAnswering('healthy');
    const envFile = join(dir, 'bad.env');
    writeFileSync(envFile, 'POSTGRES_PASSWORD=short\n');

    await expect(stackUp({ ...request(), envFile }, run, quiet)).rejects.toBeInstanceOf(StackEnvError);
    expect(calls).toEqual([]);
  });

  it('a container that goes between `docker ps` and `docker inspect` (compose replacing it) does not fail the wait', async () => {
    const { run: answering } = dockerAnswering('healthy');
    let inspections = 0;
    const run: RunFn = async (command, options) => {
      if (command.args[0] === 'inspect' && ++inspections === 1) {
        const db = { Id: 'id-db', Config: { Labels: { 'com.docker.compose.service': 'db' } }, State: { Status: 'running', ExitCode: 0, Health: { Status: 'healthy' } } };
        throw new CommandFailedError({ command: 'docker inspect id-db id-gone', reason: 'exit', exitCode: 1, stdout: JSON.stringify([db]), stderr: 'Error: No such object: id-gone', durationMs: 1 });
      }
      return answering(command, options);
    };

    expect(await verdictsOf(run)).toEqual(BOTH_READY);
    expect(inspections).toBeGreaterThan(1);
  });

  it('the old container compose stops while it replaces it (up still running) does not fail the wait', async () => {
    const { run: answering } = dockerAnswering('healthy');
    let inspections = 0;
    let finishUp: (() => void) | undefined;
    const run: RunFn = async (command, options) => {
      const args = command.args.map(String);
      if (args.includes('up')) return new Promise<RunResult>((resolve) => (finishUp = () => resolve(ok())));
      // The first look while up runs sees the old backend stopped; up finishes by the next, with the new one.
      if (args[0] === 'inspect' && finishUp !== undefined && ++inspections > 1) finishUp();
      if (args[0] === 'inspect' && inspections === 1) {
        const container = (service: string, status: string) => ({ Id: `id-${service}`, Config: { Labels: { 'com.docker.compose.service': service } }, State: { Status: status, ExitCode: 0, Health: { Status: 'healthy' } } });
        return ok(JSON.stringify([container('db', 'running'), container('backend', 'exited')]));
      }
      return answering(command, options);
    };

    expect(await verdictsOf(run)).toEqual(BOTH_READY);
    expect(inspections).toBeGreaterThan(1);
  });

  it('any other failure of `docker inspect` still fails the wait', async () => {
    const { run: answering } = dockerAnswering('healthy');
    const run: RunFn = async (command, options) => {
      if (command.args[0] === 'inspect') throw new CommandFailedError({ command: 'docker inspect', reason: 'exit', exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon', durationMs: 1 });
      return answering(command, options);
    };
    await expect(stackUp(request(), run, quiet)).rejects.toThrow('Cannot connect to the Docker daemon');
  });

  it('writes the rendered config as a new 0600 file in a 0700 directory, even over a world-readable older one', async () => {
    const { run } = dockerAnswering('healthy');
    const stateDir = join(dir, 'state');
    const configFile = renderedConfigPath(stateDir, 'satvach-test');
    mkdirSync(stateDir, { mode: 0o755 });
    chmodSync(stateDir, 0o755);
    writeFileSync(configFile, 'old: config\n', { mode: 0o644 });
    chmodSync(configFile, 0o644);
    const oldInode = statSync(configFile).ino;

    await stackUp(request(), run, quiet);

    // A new inode created 0600: no moment in which the secrets sat in a readable file.
    expect(statSync(configFile).ino).not.toBe(oldInode);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  it('starts nothing when another program holds a port the stack publishes, naming the port and its setting', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (holder.address() as { port: number }).port;
    const calls: Command[] = [];
    const run: RunFn = async (command) => {
      calls.push(command);
      const args = command.args.map(String);
      if (args.includes('config')) return ok(`services:\n  edge:\n    image: edge\n    ports: [{ host_ip: 127.0.0.1, target: 8080, published: "${port}" }]\n`);
      return ok();
    };

    try {
      const failure = await stackUp(request(), run, quiet).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StackFailedError);
      expect((failure as Error).message).toContain(`port ${port} on 127.0.0.1 (service edge) is in use by another program: set SATVACH_HTTP_PORT in ${join(dir, '.env')}`);
      expect(calls.some((call) => call.args.includes('up'))).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('passes the secrets to compose as Secret env values, never as plain strings or argv', async () => {
    const { run, calls } = dockerAnswering('healthy');
    await stackUp(request(), run, quiet);
    const config = calls.find((call) => call.args.includes('config'));
    expect(String(config?.env?.POSTGRES_PASSWORD)).toBe('***');
    expect(String(config?.env?.MINIO_ROOT_PASSWORD)).toBe('***');
    expect(calls.flatMap((call) => call.args.map(String)).join(' ')).not.toMatch(/hunter2hunter2|minio-secret-1/);
  });
});

describe('stackUp with the real docker-compose', () => {
  it('a failing `compose config` with real secrets in the env shows none of them in its error', async () => {
    // docker-compose quotes an unknown dependency back in its error: here that name is the password.
    const composeFile = join(dir, 'compose.yml');
    writeFileSync(composeFile, 'services:\n  web:\n    image: busybox\n    depends_on: ["${POSTGRES_PASSWORD}"]\n    environment:\n      S: ${MINIO_ROOT_PASSWORD}\n');
    const lines: string[] = [];
    const failure = await stackUp(request({ files: [composeFile] }), realRun, { ...silentLogger, info: (m) => lines.push(m), table: (t) => lines.push(t) }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CommandFailedError);
    const error = failure as CommandFailedError;
    expect(error.stderr).toContain("depends on service '***' which is undefined");
    const everything = [error.message, error.command, error.stdout, error.stderr, ...lines].join('\n');
    expect(everything).not.toContain('hunter2hunter2');
    expect(everything).not.toContain('minio-secret-1');
    expect(error.command).toContain('POSTGRES_PASSWORD=***');
    expect(existsSync(renderedConfigPath(join(dir, 'state'), 'satvach-test'))).toBe(false);
  }, 60_000);
});

describe('stackDown', () => {
  const ref = () => ({ projectName: 'satvach-test', stateDir: join(dir, 'state'), docker: 'docker', removeVolumes: false });
  const writeRendered = () => {
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(renderedConfigPath(join(dir, 'state'), 'satvach-test'), 'services: {}\n', { mode: 0o600 });
  };

  it('deletes the rendered config (it holds the secrets) once the stack is down', async () => {
    writeRendered();
    const calls: Command[] = [];
    await stackDown(ref(), async (command) => {
      calls.push(command);
      return ok();
    });
    expect(calls.at(-1)?.args.map(String)).toContain('down');
    expect(existsSync(renderedConfigPath(join(dir, 'state'), 'satvach-test'))).toBe(false);
  });

  it('keeps the rendered config when `down` fails, so it can be run again', async () => {
    writeRendered();
    const failing: RunFn = async (command) => {
      if (command.args.map(String).includes('down')) throw new Error('engine went away');
      return ok();
    };
    await expect(stackDown(ref(), failing)).rejects.toThrow('engine went away');
    expect(existsSync(renderedConfigPath(join(dir, 'state'), 'satvach-test'))).toBe(true);
  });

  it('names the missing rendered config instead of running compose without it', async () => {
    const calls: Command[] = [];
    const recording: RunFn = async (command) => {
      calls.push(command);
      return ok();
    };
    await expect(stackDown(ref(), recording)).rejects.toThrow(`no rendered config of satvach-test at ${renderedConfigPath(join(dir, 'state'), 'satvach-test')}`);
    expect(calls).toEqual([]);
  });
});
