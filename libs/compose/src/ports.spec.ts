import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hostPorts, isPortFree, portsInUseMessage, takenPorts } from './ports.ts';

const listening: Server[] = [];
afterEach(async () => {
  await Promise.all(listening.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A real listener on 127.0.0.1, on a port the kernel picks: another program holding a port. */
async function occupy(): Promise<number> {
  const server = createServer();
  listening.push(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return (server.address() as { port: number }).port;
}

describe('hostPorts', () => {
  it('reads published ports in the long form compose config writes, with their host address', () => {
    const rendered = `
services:
  edge:
    ports:
      - { mode: ingress, host_ip: 127.0.0.1, target: 8080, published: "8080", protocol: tcp }
  db:
    expose: ["5432"]
  backend:
    ports: ["127.0.0.1:8000:8000"]
`;
    expect(hostPorts(rendered)).toEqual([
      { service: 'edge', host: '127.0.0.1', port: 8080 },
      { service: 'backend', host: '127.0.0.1', port: 8000 },
    ]);
  });

  it('counts every exposed port on the host network, where the container port is the host port', () => {
    const rendered = `
services:
  db: { network_mode: host, expose: ["5432"] }
  minio: { network_mode: host, expose: ["9000/tcp"] }
`;
    expect(hostPorts(rendered)).toEqual([
      { service: 'db', host: '0.0.0.0', port: 5432, hostNetwork: true },
      { service: 'minio', host: '0.0.0.0', port: 9000, hostNetwork: true },
    ]);
  });
});

describe('takenPorts', () => {
  it('reports a port a real listener holds, and not a free one', async () => {
    const held = await occupy();
    const free = await occupy();
    await new Promise((resolve) => (listening.pop() as Server).close(resolve));

    const taken = await takenPorts(
      [
        { service: 'edge', host: '127.0.0.1', port: held },
        { service: 'backend', host: '127.0.0.1', port: free },
      ],
      new Set(),
    );

    expect(taken).toEqual([{ service: 'edge', host: '127.0.0.1', port: held }]);
    expect(await isPortFree('127.0.0.1', free)).toBe(true);
  });

  it('sees a listener on 127.0.0.1 from a wildcard check, as a host-network service binding 0.0.0.0 would', async () => {
    const held = await occupy();
    expect(await isPortFree('0.0.0.0', held)).toBe(false);
  });

  it('skips services of this stack that already run: their own ports are held by themselves', async () => {
    const held = await occupy();
    expect(await takenPorts([{ service: 'edge', host: '127.0.0.1', port: held }], new Set(['edge']))).toEqual([]);
  });
});

describe('portsInUseMessage', () => {
  it('names each port, its service and the setting that moves it, or that it is fixed', () => {
    const message = portsInUseMessage(
      [
        { service: 'edge', host: '127.0.0.1', port: 8080 },
        { service: 'minio', host: '0.0.0.0', port: 9000 },
        { service: 'edge', host: '0.0.0.0', port: 8080, hostNetwork: true },
      ],
      'docker/.env',
    );
    expect(message).toContain('nothing was started');
    expect(message).toContain('port 8080 on 127.0.0.1 (service edge) is in use by another program: set SATVACH_HTTP_PORT in docker/.env to another port');
    expect(message).toContain('port 9000 on 0.0.0.0 (service minio) is in use by another program: this port is fixed by the image');
    // On the host network SATVACH_HTTP_PORT moves nothing: the message must not send the user there.
    expect(message).toContain('port 8080 on 0.0.0.0 (service edge) is in use by another program: this port is fixed by the host network (local images)');
  });
});
