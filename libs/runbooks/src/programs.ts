/**
 * What a runbook may run inside a container (`docker exec <container> <prog>`, `docker compose exec
 * <service> <prog>`): the programs each service's image ships, by compose service. Only programs the
 * production image and the local stand-in both have are listed; the runbooks e2e test starts each
 * local image and checks every one of them is there. The official images (prom/alertmanager, minio, …)
 * cannot be pulled here, so their side is checked by reading their documentation, not by a test.
 */
export interface ContainerPrograms {
  /** Container names besides the compose ones (`satvach_<service>_1`, `satvach-<service>-1`), e.g. deploy's. */
  readonly containers: readonly string[];
  readonly programs: readonly string[];
  /** The local image the e2e test starts: a fixed reference, or the newest image of a repository a target builds. */
  readonly localImage: { readonly ref: string } | { readonly repository: string; readonly build: string };
}

export const CONTAINER_PROGRAMS = {
  db: {
    containers: [],
    programs: ['psql', 'pg_isready'],
    localImage: { ref: 'satvach-local/postgis:15-3' },
  },
  backend: {
    containers: ['satvach-backend-blue', 'satvach-backend-green'],
    programs: ['python'],
    localImage: { repository: 'backend', build: 'npx nx run backend:docker-build -c local-images' },
  },
  edge: {
    containers: ['satvach-edge'],
    programs: ['nginx', 'curl', 'sed', 'cat'],
    localImage: { repository: 'frontend', build: 'npx nx run frontend:docker-build -c local-images' },
  },
  backup: {
    containers: [],
    programs: ['backup_db.sh', 'pg_isready'],
    localImage: { repository: 'backup', build: 'npx nx run backup-image:docker-build -c local-images' },
  },
  prometheus: {
    containers: [],
    programs: ['promtool'],
    localImage: { ref: 'satvach-local/prometheus:2.42' },
  },
  alertmanager: {
    containers: [],
    programs: ['amtool'],
    localImage: { ref: 'satvach-local/alertmanager:0.25' },
  },
} as const satisfies Record<string, ContainerPrograms>;

export type ContainerService = keyof typeof CONTAINER_PROGRAMS;

/** The compose service a container name belongs to (compose v1 `satvach_db_1`, v2 `satvach-db-1`, or a fixed name). */
export function serviceOfContainer(name: string): ContainerService | undefined {
  for (const [service, entry] of Object.entries(CONTAINER_PROGRAMS) as [ContainerService, ContainerPrograms][]) {
    if ((entry.containers as readonly string[]).includes(name)) return service;
    if (new RegExp(`^satvach[-_]${service}[-_]\\d+$`).test(name)) return service;
  }
  return undefined;
}

/** The host's programs, from runbooks/README.md's "## Where the commands run" section: each `- \`prog\`` bullet. */
export const HOST_PROGRAMS_SECTION = 'Where the commands run';

export function parseHostPrograms(readme: string): { programs: Map<string, number> } | { error: string } {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${HOST_PROGRAMS_SECTION}`);
  if (start === -1) return { error: `no \`## ${HOST_PROGRAMS_SECTION}\` section: list the on-call host's programs there, one bullet per program: - \`prog\` — what for` };
  const programs = new Map<string, number>();
  for (let i = start + 1; i < lines.length && !/^##\s/.test(lines[i]!); i++) {
    const bullet = /^[-*]\s+`([^`\s]+)`/.exec(lines[i]!);
    if (bullet) programs.set(bullet[1]!, i + 1);
  }
  if (programs.size === 0) return { error: `the \`## ${HOST_PROGRAMS_SECTION}\` section lists no programs: one bullet per program: - \`prog\` — what for` };
  return { programs };
}
