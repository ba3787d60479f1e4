import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { workspaceRoot } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Colour, containerNameOf, deploy, type DeployDeps, healthUrl, loadDeployConfig, loadState, lockFileOf, memoryBytes, parseEdgeLog, portOf, rollback, stateFileOf, status, upstreamFileOf } from '@satvach/deploy';
import { type DeployFixture, EDGE_URL, LOAD_PATH, type LoadReport, type LoadSample, startDeployFixture, startLoad, type Variant } from '@satvach/deploy/testing';
import { docker, harness, nx, nxEnv, readManifest, requireHarness, waitFor } from '../../e2e-support.ts';

// Zero-downtime deploys for real: the edge nginx (the frontend image) on loopback in front of blue and
// green backend containers, PostGIS and s3rver, a bounded load of 150 requests/s over 8 keep-alive
// connections, and every answer attributed to the release that served it (X-Satvach-Release).

const RATE = 150;
let fixture: DeployFixture;
const logs: string[] = [];
const record = (line: string) => logs.push(`${new Date().toISOString()} ${line}`);
const deps = (): DeployDeps => ({ docker: fixture.docker, log: { info: record, warn: record, error: record } });
const deployNx = (args: string[]) => nx(['run', 'backend:deploy', `--config=${fixture.configFile}`, ...args]);
const release = async () => (await fetch(`${EDGE_URL}${LOAD_PATH}`)).headers.get('x-satvach-release');
const load = () => startLoad({ url: `${EDGE_URL}${LOAD_PATH}`, ratePerSecond: RATE, connections: 8 });

/**
 * Each test states the target it starts from: `variant` serving 100 % on `colour` (and `previous` kept
 * on the other colour), no candidate, no lock, the edge answering with it. What an earlier test left
 * is reused when it is exactly that; anything else (a failed test's leftovers included) is cleared and
 * rebuilt with blue-green deploys, so one failure never cascades into the tests after it.
 */
async function given(variant: Variant, colour: Colour, previous?: Variant): Promise<void> {
  const { config, images } = fixture;
  const matches = async () => {
    if (existsSync(lockFileOf(config))) return false;
    const { state, problems } = await status(config, deps());
    if (problems.length > 0 || state.candidate !== null) return false;
    if (state.serving?.release !== images[variant] || state.serving.colour !== colour) return false;
    if (previous !== undefined && (state.previous?.release !== images[previous] || !(await fixture.docker.container(containerNameOf(config, state.previous.colour)))?.running)) return false;
    return (await release()) === images[variant];
  };
  await docker(['start', config.edge.container]);
  await waitFor('the edge to answer', async () => ((await fetch(`${EDGE_URL}/healthz`)).ok ? true : undefined));
  if (await matches().catch(() => false)) return;

  await neverDeployed();
  // From nothing, blue-green deploys alternate blue, green, blue: end on `colour`, `previous` just before.
  const other: Variant = variant === 'v1' ? 'v2' : 'v1';
  const before = previous ?? other;
  const sequence: Variant[] = colour === 'blue' ? (previous === undefined ? [variant] : [before === 'v1' ? 'v2' : 'v1', before, variant]) : [before, variant];
  for (const step of sequence) {
    const result = await deploy(config, { strategy: 'blue-green', image: images[step] }, deps());
    expect(result.state.serving?.release, logs.join('\n')).toBe(images[step]);
  }
  expect(await matches(), `the target is not ${variant} on ${colour} after ${sequence.join(', ')}:\n${logs.join('\n')}`).toBe(true);
}

/** No test starts from another's deploy state: the first deploy starts from a host never deployed to. */
async function neverDeployed(): Promise<void> {
  const { config } = fixture;
  await docker(['start', config.edge.container]);
  for (const name of [containerNameOf(config, 'blue'), containerNameOf(config, 'green')]) await docker(['rm', '--force', name]);
  for (const file of [stateFileOf(config), `${stateFileOf(config)}.bak`, lockFileOf(config)]) rmSync(file, { force: true });
}

/** The most answers in a row, in the order the requests went out, that `release` did not serve. */
function longestRunWithout(samples: readonly LoadSample[], release: string): number {
  let longest = 0;
  let current = 0;
  for (const sample of [...samples].sort((a, b) => a.sentAt - b.sentAt)) {
    current = sample.release === release ? 0 : current + 1;
    longest = Math.max(longest, current);
  }
  return longest;
}

beforeAll(async () => {
  await requireHarness();
  for (const project of ['backend', 'frontend']) {
    const built = await nx(['run', `${project}:docker-build`, '-c', 'local-images']);
    expect(built.exitCode, built.output).toBe(0);
  }
  fixture = await startDeployFixture({
    docker: harness.docker,
    env: { DOCKER_HOST: harness.dockerHost },
    backendImage: readManifest('backend').imageId,
    edgeImage: readManifest('frontend').imageId,
    name: 'satvach-e2e-deploy',
  });
});

afterAll(async () => {
  await fixture?.teardown();
});

describe('blue-green', () => {
  it('the first deploy starts blue and points the edge at it', async () => {
    await neverDeployed();
    const { exitCode, output } = await deployNx([`--image=${fixture.images.v1}`]);
    expect(exitCode, output).toBe(0);
    // The deploy returns once nginx's old workers have retired: the very next request sees blue.
    expect(await release()).toBe(fixture.images.v1);
    expect(output).not.toContain(fixture.databasePassword);
    expect(readFileSync(upstreamFileOf(fixture.config), 'utf8')).toContain('server 127.0.0.1:18101;');
  });

  it('--dry-run prints the plan and the upstream it would write, and changes nothing', async () => {
    await given('v1', 'blue');
    const before = readFileSync(stateFileOf(fixture.config), 'utf8');
    const { exitCode, output } = await deployNx([`--image=${fixture.images.v2}`, '--strategy=canary', '--dry-run']);
    expect(exitCode, output).toBe(0);
    expect(output).toContain('plan: canary deploy of');
    expect(output).toContain('server 127.0.0.1:18101 weight=90 max_fails=0;');
    expect(output).toContain('server 127.0.0.1:18102 weight=10 max_fails=0;');
    expect(readFileSync(stateFileOf(fixture.config), 'utf8')).toBe(before);
    expect((await docker(['ps', '-aq', '--filter', 'name=satvach-e2e-deploy-backend-green'])).stdout).toBe('');
  });

  it('switches to a new version under load: 0 failed requests, 0 non-2xx, old colour kept for rollback', async () => {
    await given('v1', 'blue');
    const traffic = load();
    await new Promise((done) => setTimeout(done, 2000));
    const { exitCode, output } = await deployNx([`--image=${fixture.images.v2}`]);
    await new Promise((done) => setTimeout(done, 2000));
    const report = await traffic.stop();

    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/blue drained/);
    console.log(`blue-green under load: ${report.total} requests, ${report.failed} failed, ${report.non2xx} non-2xx, ${report.resentOnClosedConnection} resent on a connection closed before the answer; by release ${JSON.stringify(report.byRelease())}`);
    expect(report.total).toBeGreaterThan(RATE * 5);
    expect(report.failed, report.problems()).toBe(0);
    expect(report.non2xx, report.problems()).toBe(0);
    expect(report.samples.at(0)?.release).toBe(fixture.images.v1);
    expect(report.samples.at(-1)?.release).toBe(fixture.images.v2);
    expect((await fixture.docker.container('satvach-e2e-deploy-backend-blue'))?.running).toBe(true);
  });

  it('a restarted edge still serves what was deployed', async () => {
    await given('v2', 'green');
    await docker(['restart', 'satvach-e2e-deploy-edge']);
    for (let i = 0; i < 50 && !(await fetch(`${EDGE_URL}/healthz`).then((r) => r.ok, () => false)); i++) await new Promise((done) => setTimeout(done, 200));
    expect(await release()).toBe(fixture.images.v2);
  });

  it('rollback: one command, one reload, back to the previous version under load with 0 failures', async () => {
    await given('v2', 'green', 'v1');
    const traffic = load();
    await new Promise((done) => setTimeout(done, 1000));
    const { exitCode, output } = await nx(['run', 'backend:rollback', `--config=${fixture.configFile}`]);
    await new Promise((done) => setTimeout(done, 1000));
    const report = await traffic.stop();

    expect(exitCode, output).toBe(0);
    expect(output.match(/edge reloaded/g)).toHaveLength(1);
    expect(report.failed, report.problems()).toBe(0);
    expect(report.non2xx, report.problems()).toBe(0);
    expect(report.samples.at(-1)?.release).toBe(fixture.images.v1);
    const state = JSON.parse(readFileSync(stateFileOf(fixture.config), 'utf8'));
    expect([state.serving.release, state.previous.release]).toEqual([fixture.images.v1, fixture.images.v2]);
    const statusRun = await nx(['run', 'backend:deploy-status', `--config=${fixture.configFile}`]);
    expect(statusRun.exitCode, statusRun.output).toBe(0);
    expect(statusRun.output).toMatch(/serving\s+blue/);
  });
});

/**
 * The canary's share of the answers to requests that went to the edge while it held 10 %: from a second
 * after that reload (old workers finish with the old weights) to the last 10 % window's verdict (the
 * next step's reload starts right after). By when a request went out, not when it was due: a loaded
 * machine queues requests for seconds, and one due at 10 % may be routed at 100 %.
 */
function shareAt10(report: LoadReport, lines: readonly string[], stable: string, canary: string) {
  const times = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).map((line) => Date.parse(line.slice(0, 24)));
  const from = (times(/edge reloaded: \w+ 90 %, \w+ 10 %/)[0] ?? Number.NaN) + 1000;
  const until = times(/canary 10 %: /).at(-1) ?? Number.NaN;
  const share = report.byRelease(from, until);
  const total = (share[stable] ?? 0) + (share[canary] ?? 0);
  return { share, total, canaryShare: ((share[canary] ?? 0) / total) * 100 };
}

describe('canary', () => {
  it('a good canary gets 10 % (±2 points over ≥ 500 requests), is promoted to 100 % and the old version drained; a second deploy meanwhile is refused by the lock', async () => {
    await given('v1', 'blue');
    const traffic = load();
    logs.length = 0;
    const canary = deploy(fixture.config, { strategy: 'canary', image: fixture.images.v2 }, deps());
    // While the canary holds the lock, nx's deploy must be refused.
    await new Promise((done) => setTimeout(done, 3000));
    const second = await deployNx([`--image=${fixture.images.v1}`]);
    const result = await canary;
    const report = await traffic.stop();

    expect(second.exitCode).not.toBe(0);
    expect(second.output).toMatch(/another deploy is running \(pid \d+/);
    expect(result.outcome, logs.join('\n')).toBe('promoted');
    const { share, total, canaryShare } = shareAt10(report, logs, fixture.images.v1, fixture.images.v2);
    console.log(`canary at 10 %: ${share[fixture.images.v2]} of ${total} requests = ${canaryShare.toFixed(2)} %; edge windows ${result.windows.map((window) => (window.canaryShare * 100).toFixed(1)).join(', ')} %; a request waited up to ${report.maxQueuedMs} ms for a connection`);
    expect(total).toBeGreaterThanOrEqual(500);
    expect(Math.abs(canaryShare - 10)).toBeLessThanOrEqual(2);
    expect(report.failed, report.problems()).toBe(0);
    expect(report.non2xx, report.problems()).toBe(0);
    expect(logs.join('\n')).toMatch(/blue drained/);
    expect(report.samples.at(-1)?.release).toBe(fixture.images.v2);
    expect(result.state.serving?.colour).toBe('green');
  });

  it('a slow stable (+250 ms by fault injection) leaves a 10 % canary at 10 % (else the canary is stopped, never silently given stable\'s traffic); no answer fails', async () => {
    await given('v2', 'green');
    // Stable is the slow variant; the canary is v2, so the suite goes on with v2 serving on green as before.
    const stableRun = await deploy(fixture.config, { strategy: 'blue-green', image: fixture.images.slow }, deps());
    expect(stableRun.state.serving?.release).toBe(fixture.images.slow);
    const config = loadDeployConfig(fixture.configWith('slow-stable', { canary: { steps: [10, 100], analysis: { intervalSeconds: 8, minRequests: 40, maxExtensions: 2, checksPerStep: 2, maxFailedChecks: 2 } } }), fixture.scratch);
    const since = new Date();
    // More connections than the others: at +250 ms, 8 would carry barely 30 requests/s.
    const traffic = startLoad({ url: `${EDGE_URL}${LOAD_PATH}`, ratePerSecond: RATE, connections: 32 });
    logs.length = 0;
    const result = await deploy(config, { strategy: 'canary', image: fixture.images.v2 }, deps());
    const report = await traffic.stop();
    const edgeLog = await docker(['logs', '--since', since.toISOString(), 'satvach-e2e-deploy-edge']);

    const { share, total, canaryShare } = shareAt10(report, logs, fixture.images.slow, fixture.images.v2);
    const windows = result.windows.filter((window) => window.verdict !== 'insufficient');
    console.log(`slow stable, canary at 10 %: ${share[fixture.images.v2]} of ${total} answers = ${canaryShare.toFixed(2)} %; edge windows ${windows.map((window) => `${(window.canaryShare * 100).toFixed(1)} % (stable p95 ${window.stable.p95Ms.toFixed(0)} ms)`).join(', ')}; ${report.total} requests, up to ${report.maxQueuedMs} ms waiting for a connection`);
    expect(report.failed, report.problems()).toBe(0);
    expect(report.non2xx, report.problems()).toBe(0);
    // nginx never took slow stable out of the split: no failed attempt at it, nothing disabled.
    expect(String(edgeLog.stderr)).not.toMatch(/upstream server temporarily disabled/);
    expect(parseEdgeLog(String(edgeLog.stdout)).filter((attempt) => portOf(attempt.upstream) === fixture.config.colours.blue.hostPort && attempt.status >= 500)).toEqual([]);
    if (result.outcome === 'rolled-back') {
      // Allowed by the issue: the analysis saw the edge shift stable's traffic and stopped the canary.
      expect(logs.join('\n')).toMatch(/rolling back the canary .*canary received \d+\.\d % of the requests .* at a weight of 10 %/);
      expect(result.state.serving?.release).toBe(fixture.images.slow);
      return;
    }
    expect(result.outcome, logs.join('\n')).toBe('promoted');
    expect(windows.length).toBeGreaterThanOrEqual(2);
    for (const window of windows) {
      expect(window.stable.p95Ms).toBeGreaterThanOrEqual(250);
      expect(Math.abs(window.canaryShare - 0.1), window.reasons.join()).toBeLessThanOrEqual(0.03);
    }
    expect(total).toBeGreaterThanOrEqual(300);
    expect(Math.abs(canaryShare - 10)).toBeLessThanOrEqual(2);
    expect(result.state.serving?.release).toBe(fixture.images.v2);
    expect(result.state.serving?.colour).toBe('green');
  });

  it('a bad canary (25 % 5xx) is rolled back automatically; stable never stops serving', async () => {
    await given('v2', 'green');
    const traffic = load();
    logs.length = 0;
    const result = await deploy(fixture.config, { strategy: 'canary', image: fixture.images.failing }, deps());
    await new Promise((done) => setTimeout(done, 1000));
    const report = await traffic.stop();

    expect(result.outcome, logs.join('\n')).toBe('rolled-back');
    console.log(`bad canary rolled back ${result.rollbackSeconds?.toFixed(1)} s after the first failed window; ${report.total} requests, non-2xx ${report.non2xx}`);
    // Rolled back at the second failed window, with no window judged after it. How fast that is in
    // seconds is bench/deploy's figure: a loaded CI machine stretches it, the sequence holds.
    expect(result.windows.filter((window) => window.verdict === 'fail')).toHaveLength(2);
    expect(result.windows.at(-1)?.verdict).toBe('fail');
    expect(report.failed, report.problems()).toBe(0);
    // Resends (a connection closed by a reload before the answer) stay rare: at most 1 %.
    expect(report.resentOnClosedConnection).toBeLessThanOrEqual(Math.ceil(report.total / 100));
    const stable = report.samples.filter((sample) => sample.release === fixture.images.v2);
    expect(stable.every((sample) => sample.status === 200)).toBe(true);
    // Stable never stopped serving, counted in requests rather than wall-clock seconds (which a loaded
    // machine stretches): at 10 % the edge's weighted round robin sends the canary at most a few
    // requests in a row, so a long run of answers without stable would mean stable was out.
    const withoutStable = longestRunWithout(report.samples, fixture.images.v2);
    console.log(`bad canary: at most ${withoutStable} answers in a row without stable`);
    expect(withoutStable, `${withoutStable} answers in a row without stable`).toBeLessThanOrEqual(10);
    expect(report.samples.filter((sample) => sample.status >= 500).every((sample) => sample.release === fixture.images.failing)).toBe(true);
    expect(report.samples.at(-1)?.release).toBe(fixture.images.v2);
    expect(result.state.serving?.release).toBe(fixture.images.v2);
    expect((await fixture.docker.container('satvach-e2e-deploy-backend-blue'))?.running).toBe(false);
  });

  it('a slow canary (p95 +250 ms) is rolled back on latency alone', async () => {
    await given('v2', 'green');
    const config = loadDeployConfig(fixture.configWith('fast-windows', { canary: { steps: [10, 100], analysis: { intervalSeconds: 4, minRequests: 30, checksPerStep: 1, maxFailedChecks: 2 } } }), fixture.scratch);
    const traffic = load();
    logs.length = 0;
    const result = await deploy(config, { strategy: 'canary', image: fixture.images.slow }, deps());
    const report = await traffic.stop();

    expect(result.outcome, logs.join('\n')).toBe('rolled-back');
    console.log(`slow canary: ${report.total} requests, ${report.resentOnClosedConnection} resent on a connection closed before the answer; ${report.problems()}`);
    const failedWindows = result.windows.filter((window) => window.verdict === 'fail');
    expect(failedWindows).toHaveLength(2);
    for (const window of failedWindows) {
      expect(window.reasons.join()).toMatch(/canary p95 \d+ ms vs stable \d+ ms/);
      expect(window.canary.errors5xx).toBe(0);
      expect(window.canary.p95Ms).toBeGreaterThanOrEqual(250);
    }
    expect(report.failed + report.non2xx, report.problems()).toBe(0);
    expect(report.resentOnClosedConnection).toBeLessThanOrEqual(Math.ceil(report.total / 100));
    expect(result.state.serving?.release).toBe(fixture.images.v2);
  });

  it('a canary without traffic is stopped, never promoted on no data', async () => {
    await given('v2', 'green');
    const config = loadDeployConfig(fixture.configWith('idle-windows', { canary: { steps: [10, 100], analysis: { intervalSeconds: 2, maxExtensions: 1 } } }), fixture.scratch);
    logs.length = 0;
    const result = await deploy(config, { strategy: 'canary', image: fixture.images.v1 }, deps());
    expect(result.outcome).toBe('rolled-back');
    expect(result.windows.map((window) => window.verdict)).toEqual(['insufficient', 'insufficient']);
    expect(logs.join('\n')).toMatch(/not enough traffic to judge: fewer than 50 canary requests in 4 s at 10 %; never promoted on no data/);
    expect(result.state.serving?.release).toBe(fixture.images.v2);
    expect(result.state.history.at(-1)?.action).toBe('aborted');
    expect(await release()).toBe(fixture.images.v2);
  });
  it('a deploy killed mid-canary leaves a stale lock and a recorded candidate; rollback --break-stale-lock restores stable', async () => {
    await given('v2', 'green');
    const child = execa(join(workspaceRoot, 'node_modules/.bin/nx'), ['run', 'backend:deploy', `--config=${fixture.configFile}`, `--image=${fixture.images.v1}`, '--strategy=canary', '--outputStyle=stream'], {
      cwd: workspaceRoot,
      // Its own Nx invocation root: Nx records running tasks per root, and a killed task's record
      // would make every later `backend:deploy` under platform:e2e look like a recursive call.
      env: { ...nxEnv, NX_INVOCATION_ROOT_PID: undefined },
      detached: true,
      reject: false,
    });
    const stateFile = stateFileOf(fixture.config);
    await waitFor('the canary to take 10 %', async () => (JSON.parse(readFileSync(stateFile, 'utf8')).candidate?.weight === 10 ? true : undefined), 60_000);
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await child;
    const shares = async () => {
      const seen = new Set<string | null>();
      for (let i = 0; i < 60; i++) seen.add(await release());
      return seen;
    };
    expect(await shares()).toEqual(new Set([fixture.images.v2, fixture.images.v1]));

    const refused = await nx(['run', 'backend:rollback', `--config=${fixture.configFile}`]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toMatch(/held by a process that is no longer running/);
    const status = await nx(['run', 'backend:deploy-status', `--config=${fixture.configFile}`]);
    expect(status.output).toMatch(/candidate\s+blue .*10 % of traffic/);
    const recovered = await nx(['run', 'backend:rollback', `--config=${fixture.configFile}`, '--break-stale-lock']);
    expect(recovered.exitCode, recovered.output).toBe(0);
    expect(await shares()).toEqual(new Set([fixture.images.v2]));
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).candidate).toBeNull();
  });
});

describe('bad input leaves traffic on the serving version', () => {
  it('an image that never gets healthy gets no traffic and is removed', async () => {
    await given('v2', 'green');
    const file = fixture.configWith('short-health', { health: { timeoutSeconds: 6, intervalMs: 300, healthyStreak: 2 } });
    const traffic = load();
    const { exitCode, output } = await nx(['run', 'backend:deploy', `--config=${file}`, `--image=${fixture.images.neverHealthy}`]);
    const report = await traffic.stop();
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/did not become healthy within 6 s/);
    expect(output).toMatch(/traffic stays on green/);
    expect(report.failed + report.non2xx, report.problems()).toBe(0);
    expect(new Set(report.samples.map((sample) => sample.release))).toEqual(new Set([fixture.images.v2]));
    expect((await fixture.docker.container('satvach-e2e-deploy-backend-blue'))).toBeUndefined();
  });

  it('an unknown image is named, nothing changes', async () => {
    await given('v2', 'green');
    const before = readFileSync(stateFileOf(fixture.config), 'utf8');
    const { exitCode, output } = await deployNx([`--image=${harness.registry}/satvach/no-such-backend:1`]);
    expect(exitCode).not.toBe(0);
    expect(output).toContain(`image ${harness.registry}/satvach/no-such-backend:1 is unknown`);
    expect(readFileSync(stateFileOf(fixture.config), 'utf8')).toBe(before);
    expect(await release()).toBe(fixture.images.v2);
  });

  it('an upstream that fails nginx -t is put back before any reload; the new version is removed', async () => {
    await given('v2', 'green');
    const file = fixture.configWith('bad-upstream', { edge: { ...fixture.config.edge, upstreamName: 'not_the_api' } });
    const { exitCode, output } = await nx(['run', 'backend:deploy', `--config=${file}`, `--image=${fixture.images.v1}`]);
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/nginx -t in satvach-e2e-deploy-edge rejected the new upstream, nothing was reloaded/);
    expect(output).toMatch(/traffic stays on green/);
    expect(await release()).toBe(fixture.images.v2);
    expect((await docker(['exec', 'satvach-e2e-deploy-edge', 'nginx', '-t'], { reject: false })).exitCode).toBe(0);
    expect(await fixture.docker.container('satvach-e2e-deploy-backend-blue')).toBeUndefined();
  });

  it('a hand-edited state file and a lock of a dead process are refused with what to do', async () => {
    await given('v2', 'green');
    const stateFile = stateFileOf(fixture.config);
    const good = readFileSync(stateFile, 'utf8');
    writeFileSync(stateFile, good.replace(/"colour": "green"/, '"colour": "purple"'));
    const edited = await nx(['run', 'backend:deploy-status', `--config=${fixture.configFile}`]);
    expect(edited.exitCode).not.toBe(0);
    expect(edited.output).toMatch(/deploy state .*state\.json is invalid \(serving\.colour/);
    writeFileSync(stateFile, good);

    const lockFile = join(fixture.config.stateDir, 'deploy.lock');
    writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 22 + 1, host: (await import('node:os')).hostname(), command: 'deploy', startedAt: '2026-01-01T00:00:00.000Z' }));
    const stale = await deployNx([`--image=${fixture.images.v1}`]);
    expect(stale.exitCode).not.toBe(0);
    expect(stale.output).toMatch(/held by a process that is no longer running .*--break-stale-lock/);
    const broken = await deployNx([`--image=${fixture.images.v1}`, '--break-stale-lock']);
    expect(broken.exitCode, broken.output).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    expect(await release()).toBe(fixture.images.v1);
  });

  it('deploy-status reports an edge that disagrees with the state', async () => {
    await given('v1', 'blue', 'v2');
    const before = await status(fixture.config, deps());
    expect(before.problems).toEqual([]);
    writeFileSync(upstreamFileOf(fixture.config), 'upstream satvach_api { server 127.0.0.1:9; }\n');
    const after = await status(fixture.config, deps());
    expect(after.problems.join()).toMatch(/does not send blue 100 %/);
    await rollback(fixture.config, deps());
    expect((await status(fixture.config, deps())).problems).toEqual([]);
  });
});

describe('pre-deploy backup', () => {
  const backupEnv = () => fixture.services.env({ SATVACH_BACKUP_S3_PREFIX: 'pre-deploy' });

  it('--backup runs db:backup before the new version starts; a failed backup deploys nothing', async () => {
    await given('v2', 'green');
    const before = readFileSync(stateFileOf(fixture.config), 'utf8');
    const failed = await nx(['run', 'backend:deploy', `--config=${fixture.configFile}`, `--image=${fixture.images.v1}`, '--backup'], { ...backupEnv(), SATVACH_BACKUP_S3_BUCKET: 'no-such-bucket' });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.output).toMatch(/the pre-deploy backup \(db:backup\) failed; nothing was deployed/);
    expect(readFileSync(stateFileOf(fixture.config), 'utf8')).toBe(before);
    expect(await release()).toBe(fixture.images.v2);

    const done = await nx(['run', 'backend:deploy', `--config=${fixture.configFile}`, `--image=${fixture.images.v1}`, '--backup'], backupEnv());
    expect(done.exitCode, done.output).toBe(0);
    expect(done.output.indexOf('pre-deploy backup: db:backup')).toBeLessThan(done.output.indexOf('starting satvach-e2e-deploy-backend-blue'));
    expect(done.output).not.toContain(fixture.databasePassword);
    const list = await nx(['run', 'db:backup-list', '--json'], backupEnv());
    expect(list.output).toMatch(/"latest": "\d{8}T\d{6}Z"/);
    expect(await release()).toBe(fixture.images.v1);
  });
});

/** Prints, for every process in the container, its command line, uids, effective capabilities and no_new_privs. */
const PROCESS_FACTS = `
import glob, json
facts = []
for proc in glob.glob('/proc/[0-9]*'):
    try:
        status = dict(line.split(':', 1) for line in open(proc + '/status').read().splitlines())
        cmd = open(proc + '/cmdline').read().replace(chr(0), ' ').strip()
    except FileNotFoundError:
        continue
    facts.append({'cmd': cmd, **{key: status[key].split() for key in ('Uid', 'CapEff', 'NoNewPrivs')}})
print(json.dumps(facts))
`;

describe('hardened colours', () => {
  it('a deployed colour runs with the hardening of the deploy config (read back with docker inspect) and is healthy on a read-only root as uid 10001', async () => {
    await given('v1', 'blue');
    const image = fixture.images.v2;
    const { exitCode, output } = await deployNx([`--image=${image}`]);
    expect(exitCode, output).toBe(0);
    const colour = 'green';
    expect(loadState(stateFileOf(fixture.config), new Date()).serving?.colour).toBe(colour);
    const name = containerNameOf(fixture.config, colour);

    const [inspected] = JSON.parse(String((await docker(['container', 'inspect', name])).stdout)) as {
      Config: { User: string };
      HostConfig: { ReadonlyRootfs: boolean; Tmpfs: Record<string, string> | null; CapDrop: string[] | null; SecurityOpt: string[] | null; Memory: number; NanoCpus: number; PidsLimit: number | null; LogConfig: { Type: string; Config: Record<string, string> }; RestartPolicy: { Name: string } };
    }[];
    const host = inspected?.HostConfig;
    const hardening = fixture.config.hardening;
    expect({
      readOnly: host?.ReadonlyRootfs,
      tmpfs: Object.entries(host?.Tmpfs ?? {}).map(([path, options]) => (options === '' ? path : `${path}:${options}`)),
      capDrop: host?.CapDrop,
      securityOpt: host?.SecurityOpt,
      memory: host?.Memory,
      nanoCpus: host?.NanoCpus,
      pidsLimit: host?.PidsLimit,
      logging: { driver: host?.LogConfig.Type, options: host?.LogConfig.Config },
      restart: host?.RestartPolicy.Name,
      user: inspected?.Config.User,
    }).toEqual({
      readOnly: hardening.readOnly,
      tmpfs: hardening.tmpfs,
      capDrop: hardening.capDrop,
      securityOpt: hardening.securityOpt,
      memory: memoryBytes(hardening.memory),
      nanoCpus: Math.round(hardening.cpus * 1e9),
      pidsLimit: hardening.pidsLimit,
      logging: hardening.logging,
      restart: hardening.restart,
      user: hardening.user,
    });

    // What the kernel enforces on every process of the colour (the server, and docker-init as PID 1).
    const processes = JSON.parse(String((await docker(['exec', name, 'python', '-c', PROCESS_FACTS])).stdout)) as { cmd: string; Uid: string[]; CapEff: string[]; NoNewPrivs: string[] }[];
    expect(processes.map((process) => process.cmd)).toEqual(expect.arrayContaining([expect.stringMatching(/docker-init/), 'python -m satvach']));
    for (const process of processes) {
      expect(process.Uid, process.cmd).toEqual(['10001', '10001', '10001', '10001']);
      expect(process.CapEff, process.cmd).toEqual(['0000000000000000']);
      expect(process.NoNewPrivs, process.cmd).toEqual(['1']);
    }
    const write = (path: string) => docker(['exec', name, 'python', '-c', `open(${JSON.stringify(path)}, 'w').write('x')`], { reject: false });
    const readOnlyRoot = await write('/app/probe');
    expect(readOnlyRoot.exitCode).not.toBe(0);
    expect(readOnlyRoot.stderr).toContain('Read-only file system');
    expect((await write('/tmp/probe')).exitCode).toBe(0);

    // Healthy (database and storage checked) with all of it, and serving through the edge.
    expect((await fetch(healthUrl(fixture.config, colour))).status).toBe(200);
    expect(await release()).toBe(image);
  });
});
