// Deploy benchmark on loopback: the real edge nginx in front of blue/green backend containers, PostGIS
// and s3rver, under a bounded load (150 requests/s, 8 keep-alive connections):
//   - blue-green: whole deploy and switch (nginx -t + reload) duration, failed requests (goal 0)
//   - rollback: switch duration, failed requests (goal 0)
//   - bad canary (25 % 5xx) with a 10 s analysis interval: time to rollback (goal ≤ 30 s)
//   node bench/deploy/run.ts        (needs tools/scripts/docker-harness.sh running)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@satvach/exec';
import { deploy, type DeployDeps, rollback } from '@satvach/deploy';
import { EDGE_URL, LOAD_PATH, type LoadReport, startDeployFixture, startLoad } from '@satvach/deploy/testing';
import { report, type BenchRow } from '../report.ts';

const workspaceRoot = process.cwd();
const dockerEnv = { DOCKER_HOST: 'unix:///var/run/docker.sock' };
const docker = '/usr/bin/docker';
const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_LOAD_DOT_ENV_FILES: 'false', SATVACH_DOCKER_CLIENT: docker, ...dockerEnv };
const imageIdOf = (project: string) => (JSON.parse(readFileSync(join(workspaceRoot, 'dist/images', `${project}.json`), 'utf8')) as { imageId: string }).imageId;

for (const project of ['backend', 'frontend']) {
  console.log(`building ${project} (local-images)…`);
  await run({ file: join(workspaceRoot, 'node_modules/.bin/nx'), args: ['run', `${project}:docker-build`, '-c', 'local-images'], env: nxEnv, cwd: workspaceRoot }, { quiet: true });
}
const fixture = await startDeployFixture({
  docker,
  env: dockerEnv,
  backendImage: imageIdOf('backend'),
  edgeImage: imageIdOf('frontend'),
  name: 'satvach-bench-deploy',
  analysis: { intervalSeconds: 10, checksPerStep: 1, maxFailedChecks: 2 },
});
const deps: DeployDeps = { docker: fixture.docker, log: (line) => console.log(`  ${line}`) };
const rows: BenchRow[] = [];
const underLoad = async <T>(action: () => Promise<T>): Promise<[T, LoadReport]> => {
  const load = startLoad({ url: `${EDGE_URL}${LOAD_PATH}`, ratePerSecond: 150, connections: 8 });
  await new Promise((done) => setTimeout(done, 2000));
  const result = await action();
  await new Promise((done) => setTimeout(done, 2000));
  return [result, await load.stop()];
};
const timed = async <T>(action: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await action();
  return [result, (performance.now() - started) / 1000];
};

try {
  await deploy(fixture.config, { strategy: 'blue-green', image: fixture.images.v1 }, deps);

  const [[blueGreen, deploySeconds], switchLoad] = await underLoad(() => timed(() => deploy(fixture.config, { strategy: 'blue-green', image: fixture.images.v2 }, deps)));
  rows.push(
    { metric: 'blue-green: whole deploy (start, health, switch, drain)', value: deploySeconds, unit: 's' },
    { metric: 'blue-green: switch (nginx -t + reload)', value: blueGreen.switchSeconds ?? Number.NaN, unit: 's' },
    { metric: 'blue-green: requests during the run', value: switchLoad.total, unit: '' },
    { metric: 'blue-green: failed requests', value: switchLoad.failed, unit: '', goal: '0' },
    { metric: 'blue-green: non-2xx', value: switchLoad.non2xx, unit: '', goal: '0' },
    { metric: 'blue-green: resent on a closed keep-alive connection', value: switchLoad.resentOnClosedConnection, unit: '' },
  );

  const [back, rollbackLoad] = await underLoad(() => rollback(fixture.config, deps));
  rows.push(
    { metric: 'rollback: switch (nginx -t + reload)', value: back.switchSeconds ?? Number.NaN, unit: 's' },
    { metric: 'rollback: failed requests', value: rollbackLoad.failed + rollbackLoad.non2xx, unit: '', goal: '0' },
  );

  const [bad, badLoad] = await underLoad(() => deploy(fixture.config, { strategy: 'canary', image: fixture.images.failing }, deps));
  if (bad.outcome !== 'rolled-back') throw new Error(`the failing canary was not rolled back: ${bad.outcome}`);
  rows.push(
    { metric: 'bad canary: first failed window → traffic back on stable (10 s windows)', value: bad.rollbackSeconds ?? Number.NaN, unit: 's', goal: '≤ 30' },
    { metric: 'bad canary: 5xx its users saw (of all requests)', value: badLoad.non2xx, unit: '' },
    { metric: 'bad canary: requests during the run', value: badLoad.total, unit: '' },
    { metric: 'bad canary: failed requests (no answer)', value: badLoad.failed, unit: '', goal: '0' },
  );
} finally {
  await fixture.teardown();
}
report(workspaceRoot, 'deploy', rows);
