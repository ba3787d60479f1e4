import { describe, expect, it } from 'vitest';
import { type ContainerState, judge, planFromConfig, renderTable } from './status.ts';

const CONFIG = `
services:
  db: { healthcheck: { test: [CMD, pg_isready] } }
  migrate: { depends_on: { db: { condition: service_healthy } } }
  backend:
    healthcheck: { test: [CMD, curl] }
    depends_on: { migrate: { condition: service_completed_successfully } }
  worker: {}
`;

const container = (service: string, Status: string, extra: Partial<ContainerState['State']> = {}): ContainerState => ({
  Id: `id-${service}`,
  Config: { Labels: { 'com.docker.compose.service': service } },
  State: { Status, ExitCode: 0, ...extra },
});

describe('planFromConfig', () => {
  it('tells jobs (awaited to complete) from services, and which have healthchecks', () => {
    expect(planFromConfig(CONFIG)).toEqual({ services: ['db', 'backend', 'worker'], jobs: ['migrate'], withHealthcheck: ['db', 'backend'] });
  });

  it('counts a disabled healthcheck as none, in either rendering (disable: true, or 1.29\'s test: [NONE])', () => {
    const config = `
services:
  exporter: { healthcheck: { test: [NONE] } }
  other: { healthcheck: { disable: true } }
  checked: { healthcheck: { test: [CMD, wget] } }
`;
    expect(planFromConfig(config).withHealthcheck).toEqual(['checked']);
    const exporterRunning = judge(planFromConfig(config), [container('exporter', 'running'), container('other', 'running'), container('checked', 'running', { Health: { Status: 'healthy' } })]);
    expect(exporterRunning.map((status) => status.verdict)).toEqual(['ready', 'ready', 'ready']);
  });
});

describe('judge', () => {
  const plan = planFromConfig(CONFIG);

  it('is ready when services are healthy (or running without a check) and jobs exited 0', () => {
    const verdicts = judge(plan, [
      container('db', 'running', { Health: { Status: 'healthy' } }),
      container('migrate', 'exited'),
      container('backend', 'running', { Health: { Status: 'healthy' } }),
      container('worker', 'running'),
    ]).map((s) => [s.service, s.verdict]);

    expect(verdicts).toEqual([['migrate', 'ready'], ['db', 'ready'], ['backend', 'ready'], ['worker', 'ready']]);
  });

  it('waits for starting checks and missing containers; fails on unhealthy, crashed or failed jobs', () => {
    const statuses = judge(plan, [
      container('db', 'running', { Health: { Status: 'unhealthy' } }),
      container('migrate', 'exited', { ExitCode: 3 }),
      container('backend', 'running', { Health: { Status: 'starting' } }),
    ]);

    expect(statuses.map((s) => [s.service, s.state, s.verdict])).toEqual([
      ['migrate', 'exited (3)', 'failed'],
      ['db', 'running', 'failed'],
      ['backend', 'running', 'waiting'],
      ['worker', 'not created', 'waiting'],
    ]);
  });

  it('renders a table with the seconds each service took', () => {
    const statuses = judge(plan, [container('db', 'running', { Health: { Status: 'healthy' } })]);

    expect(renderTable(statuses, (service) => (service === 'db' ? 3.2 : 7.9))).toBe(
      [
        'SERVICE  STATE        HEALTH   SECONDS',
        'migrate  not created  -        8',
        'db       running      healthy  3',
        'backend  not created  -        8',
        'worker   not created  -        8',
      ].join('\n'),
    );
  });
});

describe('planFromConfig with profiles', () => {
  const withTunnel = `${CONFIG}  cloudflared: { profiles: [tunnel], healthcheck: { test: [CMD, ready] } }\n`;

  it('leaves out services of profiles that are not started', () => {
    expect(planFromConfig(withTunnel).services).toEqual(['db', 'backend', 'worker']);
    expect(planFromConfig(withTunnel, ['tunnel']).services).toEqual(['db', 'backend', 'worker', 'cloudflared']);
  });
});
