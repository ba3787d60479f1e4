import { parse, stringify } from 'yaml';

interface ServiceConfig {
  networks?: unknown;
  network_mode?: string;
  ports?: unknown;
  expose?: (string | number)[];
  extra_hosts?: string[] | Record<string, string>;
  [key: string]: unknown;
}

/**
 * For sandboxes without bridge networking (CI runners, our machines): turns a rendered compose
 * config into one where every service shares the host network. Service names resolve to 127.0.0.1
 * through extra_hosts, published ports disappear (the container port is the host port), and two
 * services exposing the same port are an error rather than a silent clash.
 */
export function toHostNetwork(renderedConfig: string): string {
  const config = parse(renderedConfig) as { services?: Record<string, ServiceConfig>; networks?: unknown };
  const services = config.services ?? {};
  const names = Object.keys(services).sort();
  const owners = new Map<string, string>();
  for (const name of names) {
    const service = services[name] as ServiceConfig;
    for (const port of service.expose ?? []) {
      const key = String(port).split('/')[0] as string;
      const owner = owners.get(key);
      if (owner) throw new Error(`services ${owner} and ${name} both listen on port ${key}; on the host network one port serves one service`);
      owners.set(key, name);
    }
    delete service.networks;
    delete service.ports;
    service.network_mode = 'host';
    service.extra_hosts = names.map((other) => `${other}:127.0.0.1`);
  }
  delete config.networks;
  // YAML 1.1 output: docker-compose 1.29 reads `no` unquoted as false.
  return stringify(config, { version: '1.1' });
}
