import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailedError, run } from '@satvach/exec';
import { checkSecuritySla, fetchOpenPullRequests, parsePullRequests } from './security-sla.ts';

// Fixture: GitHub's GET /repos/{owner}/{repo}/pulls, evaluated at NOW.
// #101 critical, open 23 h 59 min → within policy; #102 critical, open 24 h 01 min → violation;
// #103 security but HIGH → never a violation; #104 critical but not a security PR → ignored;
// #105 human labels "Security" + "critical" (case-insensitive), open 3 days → violation.
const NOW = new Date('2026-11-28T10:00:00Z');
const fixture = fileURLToPath(new URL('./fixtures/open-pulls.json', import.meta.url));
const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const load = async () => parsePullRequests(JSON.parse(await readFile(fixture, 'utf8')));

describe('checkSecuritySla', () => {
  it('flags only critical security PRs open for more than 24 hours', async () => {
    const report = checkSecuritySla(await load(), { now: NOW });
    expect(report.violations.map((v) => [v.number, v.ageHours])).toEqual([
      [102, 24.02],
      [105, 74],
    ]);
    expect(report.securityPrs.map((pr) => [pr.number, pr.critical])).toEqual([
      [101, true],
      [102, true],
      [103, false],
      [105, true],
    ]);
  });

  it('the boundary: 23h59 passes, exactly 24h00 passes, 24h01 fails', async () => {
    const [pr] = await load();
    const at = (iso: string) => checkSecuritySla([{ ...pr!, created_at: iso }], { now: NOW }).violations.length;
    expect(at('2026-11-27T10:01:00Z')).toBe(0);
    expect(at('2026-11-27T10:00:00Z')).toBe(0);
    expect(at('2026-11-27T09:59:00Z')).toBe(1);
  });

  it('ignores closed PRs and rejects input that is not a PR list, naming the field', async () => {
    const [pr] = await load();
    expect(checkSecuritySla([{ ...pr!, state: 'closed', created_at: '2020-01-01T00:00:00Z' }], { now: NOW }).violations).toEqual([]);
    expect(() => parsePullRequests([{ number: 1, title: 'x', html_url: 'u', labels: [] }])).toThrow(/created_at/);
  });
});

describe('fetchOpenPullRequests against a local stand-in for the GitHub API', () => {
  let server: Server;
  let apiUrl: string;
  const seen: { url: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    const pulls = JSON.parse(await readFile(fixture, 'utf8')) as unknown[];
    server = createServer((request, response) => {
      seen.push({ url: request.url ?? '', auth: request.headers.authorization });
      const page = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('page') ?? '1';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (page === '1') headers.link = `<${apiUrl}/repos/satvach/platform/pulls?state=open&per_page=100&page=2>; rel="next"`;
      response.writeHead(200, headers).end(JSON.stringify(page === '1' ? pulls.slice(0, 3) : pulls.slice(3)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows pagination and sends the token', async () => {
    const prs = await fetchOpenPullRequests({ repository: 'satvach/platform', apiUrl, token: 'test-token' });
    expect(prs.map((pr) => pr.number)).toEqual([101, 102, 103, 104, 105]);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer test-token', 'Bearer test-token']);
    expect(seen[0]?.url).toBe('/repos/satvach/platform/pulls?state=open&per_page=100');
  });

  it('the command exits 1 on a violation, from the API', async () => {
    const error = await run(
      { file: process.execPath, args: ['libs/ci/src/bin/security-sla.ts', '--repo=satvach/platform', `--api-url=${apiUrl}`, `--now=${NOW.toISOString()}`], cwd: workspaceRoot, env: { GITHUB_ACTIONS: 'false' } },
      { quiet: true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).exitCode).toBe(1);
    expect((error as CommandFailedError).stdout).toContain('VIOLATION: #102');
  });
});

describe('the security-sla command on a fixture file', () => {
  const cli = (...args: string[]) =>
    run({ file: process.execPath, args: ['libs/ci/src/bin/security-sla.ts', ...args], cwd: workspaceRoot, env: { GITHUB_ACTIONS: 'false' } }, { quiet: true });

  it('exits 0 when every critical PR is younger than 24 h', async () => {
    const result = await cli(`--input=${fixture}`, '--now=2026-11-25T09:00:00Z');
    expect(result.stdout).toContain('critical ones open > 24 h: 0');
  });

  it('exits 1 and names each violating PR', async () => {
    const error = (await cli(`--input=${fixture}`, `--now=${NOW.toISOString()}`).catch((e: unknown) => e)) as CommandFailedError;
    expect(error.exitCode).toBe(1);
    expect(error.stdout).toContain('VIOLATION: #102 "fix(deps): update dependency undici to v7.24.1 [SECURITY]" is critical and has been open 24.02 h (> 24 h)');
    expect(error.stdout).toContain('VIOLATION: #105');
    expect(error.stdout).not.toContain('VIOLATION: #101');
  });

  it('exits 2 on bad input', async () => {
    const error = (await cli('--input=/nonexistent.json').catch((e: unknown) => e)) as CommandFailedError;
    expect(error.exitCode).toBe(2);
    expect(error.stderr).toContain('security-sla: ENOENT');
  });
});
