// Edge benchmark: compose-up time to all healthy, bytes on the wire for the JS and CSS bundles with
// br / gzip / identity, and requests per second for a hashed asset (wrk on loopback, bounded).
// Needs the harness (bash tools/scripts/docker-harness.sh) and wrk (apt-get install wrk).
//   node bench/edge/run.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { report, type BenchRow } from '../report.ts';

const workspaceRoot = process.cwd();
const edge = 'http://127.0.0.1:8080';
const scratch = mkdtempSync(join(tmpdir(), 'satvach-bench-edge-'));
const stack = [`--projectName=satvach-bench`, `--envFile=${join(scratch, '.env')}`, `--stateDir=${join(scratch, 'state')}`];
const env = {
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_LOAD_DOT_ENV_FILES: 'false',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  SATVACH_DOCKER_CLIENT: '/usr/bin/docker',
  SATVACH_REGISTRY: '127.0.0.1:5000/bench',
};
const nx = (...args: string[]) => execa('node_modules/.bin/nx', [...args, '--outputStyle=static'], { cwd: workspaceRoot, env });

async function bytes(path: string, encoding: string): Promise<number> {
  const { stdout } = await execa('curl', ['-sS', '-o', '/dev/null', '-w', '%{size_download}', '-H', `Accept-Encoding: ${encoding}`, `${edge}${path}`]);
  return Number(stdout);
}

const rows: BenchRow[] = [];
try {
  // Images first, so the timing below is the stack's own start-up.
  await nx('run-many', '-t', 'docker-build', '-p', 'backend', 'frontend', '-c', 'local-images');
  const started = performance.now();
  await nx('run', 'stack:up', '-c', 'local-images', ...stack);
  rows.push({ metric: 'compose-up to all healthy (images built)', value: (performance.now() - started) / 1000, unit: 's' });

  const index = await (await fetch(`${edge}/`)).text();
  for (const [name, pattern] of [['JS bundle', /\/assets\/index-[\w-]+\.js/], ['CSS bundle', /\/assets\/index-[\w-]+\.css/]] as const) {
    const asset = pattern.exec(index)?.[0];
    if (!asset) throw new Error(`no ${name} in index.html`);
    for (const encoding of ['br', 'gzip', 'identity']) rows.push({ metric: `${name} bytes, ${encoding}`, value: await bytes(asset, encoding), unit: 'B' });
  }
  const script = /\/assets\/index-[\w-]+\.js/.exec(index)?.[0] as string;
  const { stdout } = await execa('wrk', ['-t2', '-c32', '-d10s', '-H', 'Accept-Encoding: br', `${edge}${script}`]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  rows.push({ metric: 'hashed asset (br), wrk 2 threads x 32 conns, 10 s', value: rps, unit: 'rps' });
  rows.push({ metric: 'non-2xx during the wrk run', value: non2xx, unit: '' });
} finally {
  await nx('run', 'stack:down', '--projectName=satvach-bench', `--stateDir=${join(scratch, 'state')}`, '--removeVolumes').catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
report(workspaceRoot, 'edge', rows);
