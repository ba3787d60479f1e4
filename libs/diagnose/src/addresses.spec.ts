import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOf, hostPort, type InspectedContainer, namespaceOwnerOf } from './addresses.ts';

// `docker inspect --format INSPECT_FORMAT` answers. inspect-host.json (a db of the local stack) and
// inspect-shared.json (a container created with `--network container:<id>`) were recorded on this
// machine. Its engine runs without a bridge (tools/scripts/docker-harness.sh: --bridge=none), so no
// bridge-network container can run here: inspect-bridge.json is written in the engine's shape for a
// db on a compose project's `backend` network, and the real bridge path is not exercised here. The
// host-network path runs for real in the drills (tools/generators/src/executors/diagnose).
const read = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8')) as InspectedContainer;
const host = read('inspect-host.json');
const bridge = read('inspect-bridge.json');
const shared = read('inspect-shared.json');
const ownerId = shared.HostConfig.NetworkMode.slice('container:'.length);

describe('where a service container answers', () => {
  it('host network: loopback, running or not (a stopped one then refuses there)', () => {
    expect(hostOf(host)).toEqual({ host: '127.0.0.1' });
    expect(hostOf({ ...host, State: { Status: 'exited' } })).toEqual({ host: '127.0.0.1' });
  });

  it('a bridge network: the container\'s IP on it', () => {
    expect(hostOf(bridge)).toEqual({ host: '172.18.0.3' });
  });

  it('several networks: the first that gave it an address', () => {
    const twoNetworks = { ...bridge, NetworkSettings: { Networks: { satvach_backend: { IPAddress: '' }, satvach_edge: { IPAddress: '172.19.0.4' } } } };
    expect(hostOf(twoNetworks)).toEqual({ host: '172.19.0.4' });
  });

  it('a stopped bridge container has no address, and says so', () => {
    const exited = { ...bridge, State: { Status: 'exited' }, NetworkSettings: { Networks: { satvach_backend: { IPAddress: '' } } } };
    expect(hostOf(exited)).toEqual({ unreachable: 'no address: container exited' });
  });

  it('network_mode none has no address', () => {
    expect(hostOf({ ...bridge, HostConfig: { NetworkMode: 'none' }, NetworkSettings: { Networks: {} } })).toEqual({ unreachable: 'no network (network_mode none)' });
  });

  it('a shared namespace (cloudflared in the edge\'s): the owner\'s address, whatever its network', () => {
    expect(namespaceOwnerOf(shared)).toBe(ownerId);
    expect(namespaceOwnerOf(bridge)).toBeUndefined();
    expect(hostOf(shared, { ...host, Id: ownerId })).toEqual({ host: '127.0.0.1' });
    expect(hostOf(shared, { ...bridge, Id: ownerId })).toEqual({ host: '172.18.0.3' });
  });

  it('a shared namespace whose owner is gone (or is not the one named) has no address', () => {
    expect(hostOf(shared)).toEqual({ unreachable: `its network's container ${ownerId.slice(0, 12)} is gone` });
    expect(hostOf(shared, bridge)).toEqual({ unreachable: `its network's container ${ownerId.slice(0, 12)} is gone` });
  });

  it('writes host:port, bracketing IPv6', () => {
    expect([hostPort('172.18.0.3', 5432), hostPort('fd00::3', 5432), hostPort('db', 5432)]).toEqual(['172.18.0.3:5432', '[fd00::3]:5432', 'db:5432']);
  });
});
