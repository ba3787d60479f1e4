import { createServer } from 'node:net';
import { parse } from 'yaml';

/** A port on this host that a service of the stack will listen on. */
export interface HostPort {
  service: string;
  host: string;
  port: number;
  /** On the host network the container's own port is the host's: no setting moves it. */
  hostNetwork?: boolean;
}

/** The stack env settings that move a published port; the other ports are fixed by their image. */
const PORT_SETTINGS: Readonly<Record<string, string>> = { edge: 'SATVACH_HTTP_PORT', db: 'SATVACH_DB_PORT', victorialogs: 'SATVACH_LOGS_PORT' };

interface RenderedService {
  network_mode?: string;
  expose?: (string | number)[];
  ports?: ({ published?: string | number; host_ip?: string } | string)[];
}

/**
 * The host ports a rendered compose config binds: its published ports, and on the host network every
 * exposed port (the container's port is the host's there).
 */
export function hostPorts(renderedConfig: string): HostPort[] {
  const services = (parse(renderedConfig) as { services?: Record<string, RenderedService> }).services ?? {};
  const ports: HostPort[] = [];
  for (const [service, config] of Object.entries(services)) {
    if (config.network_mode === 'host') {
      for (const port of config.expose ?? []) ports.push({ service, host: '0.0.0.0', port: Number(String(port).split('/')[0]), hostNetwork: true });
    }
    for (const entry of config.ports ?? []) {
      // `compose config` writes the long form; a short `host_ip:published:target` is read too.
      const [published, host] =
        typeof entry === 'string' ? [entry.split(':').at(-2), entry.split(':').length > 2 ? entry.split(':')[0] : undefined] : [entry.published, entry.host_ip];
      if (published !== undefined && published !== '') ports.push({ service, host: host || '0.0.0.0', port: Number(published) });
    }
  }
  return ports;
}

/** Whether nothing listens on host:port now: a listen that succeeds is closed again at once. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports another program already holds, skipping services of this stack that already run (a re-run of up). */
export async function takenPorts(
  ports: readonly HostPort[],
  runningServices: ReadonlySet<string>,
  isFree: (host: string, port: number) => Promise<boolean> = isPortFree,
): Promise<HostPort[]> {
  const taken: HostPort[] = [];
  for (const port of ports) {
    if (!runningServices.has(port.service) && !(await isFree(port.host, port.port))) taken.push(port);
  }
  return taken;
}

/** Names each taken port, its service and the setting that moves it, or says the port is fixed. */
export function portsInUseMessage(taken: readonly HostPort[], envFile: string): string {
  const lines = taken.map(({ service, host, port, hostNetwork }) => {
    const setting = hostNetwork ? undefined : PORT_SETTINGS[service];
    const fixedBy = hostNetwork ? 'the host network (local images): the container listens on it itself' : 'the image';
    const remedy = setting ? `set ${setting} in ${envFile} to another port, or stop that program` : `this port is fixed by ${fixedBy}; stop that program`;
    return `  port ${port} on ${host} (service ${service}) is in use by another program: ${remedy} (\`ss -ltnp 'sport = :${port}'\` shows which)`;
  });
  return `nothing was started: ${taken.length === 1 ? 'a port the stack needs is' : 'ports the stack needs are'} taken\n${lines.join('\n')}`;
}
