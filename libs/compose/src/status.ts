import { formatTable } from '@satvach/exec';
import { parse } from 'yaml';

/** What the stack should run, read from the rendered compose config. */
export interface StackPlan {
  /** Long-running services, in config order. */
  services: string[];
  /** Jobs others wait for with `service_completed_successfully`: done when they exit 0. */
  jobs: string[];
  /** Long-running services that declare a healthcheck. */
  withHealthcheck: string[];
}

interface ServiceShape {
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { disable?: boolean; test?: unknown };
}

/** docker-compose 1.29 renders `disable: true` as `test: [NONE]`: no healthcheck either way. */
function hasHealthcheck(healthcheck: ServiceShape['healthcheck']): boolean {
  if (healthcheck?.test === undefined || healthcheck.disable) return false;
  return !(Array.isArray(healthcheck.test) && healthcheck.test[0] === 'NONE');
}

/** The plan for the services that start with these profiles (a service with profiles needs one of them). */
export function planFromConfig(renderedConfig: string, activeProfiles: readonly string[] = []): StackPlan {
  const config = parse(renderedConfig) as { services?: Record<string, ServiceShape> };
  const services = Object.fromEntries(
    Object.entries(config.services ?? {}).filter(([, service]) => !service.profiles || service.profiles.some((profile) => activeProfiles.includes(profile))),
  );
  const jobs = new Set<string>();
  for (const service of Object.values(services)) {
    const dependsOn = service.depends_on;
    if (dependsOn && !Array.isArray(dependsOn)) {
      for (const [name, { condition }] of Object.entries(dependsOn)) if (condition === 'service_completed_successfully') jobs.add(name);
    }
  }
  const names = Object.keys(services);
  return {
    services: names.filter((name) => !jobs.has(name)),
    jobs: names.filter((name) => jobs.has(name)),
    withHealthcheck: names.filter((name) => !jobs.has(name) && hasHealthcheck(services[name]?.healthcheck)),
  };
}

/** The parts of `docker inspect` we read. */
export interface ContainerState {
  Id: string;
  Config: { Labels: Record<string, string> };
  State: { Status: string; ExitCode: number; Health?: { Status: string } };
}

export type Verdict = 'ready' | 'waiting' | 'failed';

export interface ServiceStatus {
  service: string;
  containerId?: string;
  state: string;
  health: string;
  verdict: Verdict;
}

/** One status per planned service or job, judged by the rules the plan implies. */
export function judge(plan: StackPlan, containers: readonly ContainerState[]): ServiceStatus[] {
  const byService = new Map(containers.map((container) => [container.Config.Labels['com.docker.compose.service'] ?? '', container]));
  const statusOf = (service: string, isJob: boolean): ServiceStatus => {
    const container = byService.get(service);
    if (!container) return { service, state: 'not created', health: '-', verdict: 'waiting' };
    const { Status: state, ExitCode: exitCode, Health } = container.State;
    const health = Health?.Status ?? '-';
    const base = { service, containerId: container.Id, state, health };
    if (isJob) {
      if (state === 'exited') return { ...base, state: `exited (${exitCode})`, verdict: exitCode === 0 ? 'ready' : 'failed' };
      return { ...base, verdict: 'waiting' };
    }
    if (state === 'exited' || state === 'dead') return { ...base, state: `${state} (${exitCode})`, verdict: 'failed' };
    if (state === 'restarting') return { ...base, verdict: 'failed' };
    if (!plan.withHealthcheck.includes(service)) return { ...base, verdict: state === 'running' ? 'ready' : 'waiting' };
    if (health === 'unhealthy') return { ...base, verdict: 'failed' };
    return { ...base, verdict: health === 'healthy' ? 'ready' : 'waiting' };
  };
  return [...plan.jobs.map((job) => statusOf(job, true)), ...plan.services.map((service) => statusOf(service, false))];
}

/** A fixed-width table: service, state, health, and the seconds it took (or has taken so far). */
export function renderTable(statuses: readonly ServiceStatus[], secondsOf: (service: string) => number): string {
  return formatTable([['SERVICE', 'STATE', 'HEALTH', 'SECONDS'], ...statuses.map((s) => [s.service, s.state, s.health, secondsOf(s.service).toFixed(0)])]);
}
