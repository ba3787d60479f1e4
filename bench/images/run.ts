// Image build benchmark: cold backend build (no layer or pip cache), rebuild after a one-line
// source change, cold frontend build, image sizes. Needs the harness: bash tools/scripts/docker-harness.sh
//   node bench/images/run.ts
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { report, type BenchRow } from '../report.ts';

const workspaceRoot = join(process.cwd());
const docker = '/usr/bin/docker';
const env = {
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  SATVACH_DOCKER_CLIENT: docker,
  SATVACH_REGISTRY: '127.0.0.1:5000/bench',
};

async function timedBuild(project: string): Promise<number> {
  const started = performance.now();
  await execa('node_modules/.bin/nx', ['run', `${project}:docker-build`, '-c', 'local-images', '--outputStyle=static'], { cwd: workspaceRoot, env });
  return (performance.now() - started) / 1000;
}

async function coldBuild(project: string): Promise<number> {
  await execa(docker, ['builder', 'prune', '--all', '--force'], { env });
  const images = (await execa(docker, ['images', '-q', `${env.SATVACH_REGISTRY}/${project}`], { env })).stdout.split('\n').filter(Boolean);
  if (images.length > 0) await execa(docker, ['rmi', '--force', ...new Set(images)], { env });
  return timedBuild(project);
}

const manifestOf = (project: string) =>
  JSON.parse(readFileSync(join(workspaceRoot, 'dist/images', `${project}.json`), 'utf8')) as { imageId: string; durationMs: number };

async function imageSizeMb(project: string): Promise<number> {
  const { stdout } = await execa(docker, ['image', 'inspect', '--format', '{{.Size}}', manifestOf(project).imageId], { env });
  return Number(stdout) / 1e6;
}

const source = join(workspaceRoot, 'apps/backend/src/satvach/main.py');
const original = readFileSync(source);
const rows: BenchRow[] = [];
try {
  const backendCold = await coldBuild('backend');
  const backendColdDocker = manifestOf('backend').durationMs / 1000;
  const backendSize = await imageSizeMb('backend');
  appendFileSync(source, '# benchmark: one-line change\n');
  const backendRebuild = await timedBuild('backend');
  const backendRebuildDocker = manifestOf('backend').durationMs / 1000;
  writeFileSync(source, original);
  const frontendCold = await coldBuild('frontend');
  rows.push(
    { metric: 'backend cold build', value: backendCold, unit: 's' },
    { metric: 'backend rebuild after a one-line change', value: backendRebuild, unit: 's' },
    { metric: 'backend rebuild / cold (whole nx target)', value: (100 * backendRebuild) / backendCold, unit: '%', goal: '<= 10 %' },
    { metric: 'backend docker build, cold', value: backendColdDocker, unit: 's' },
    { metric: 'backend docker build, after the change', value: backendRebuildDocker, unit: 's' },
    { metric: 'backend rebuild / cold (docker build)', value: (100 * backendRebuildDocker) / backendColdDocker, unit: '%', goal: '<= 10 %' },
    { metric: 'backend image size', value: backendSize, unit: 'MB' },
    { metric: 'frontend cold build', value: frontendCold, unit: 's' },
    { metric: 'frontend image size', value: await imageSizeMb('frontend'), unit: 'MB' },
  );
} finally {
  writeFileSync(source, original);
}
report(workspaceRoot, 'images', rows);
