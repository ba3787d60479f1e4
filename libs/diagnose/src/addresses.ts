/**
 * Where a compose service's container answers, from the engine's own record of it (`docker inspect`):
 * the stacks people run publish no ports for db, minio, backend or the backup scheduler, and
 * cloudflared lives in the edge's network namespace, so fixed loopback ports only fit the
 * host-network local stack.
 */

/** The `docker inspect` fields read here; INSPECT_FORMAT asks the engine for exactly these (no env, so no secret). */
export interface InspectedContainer {
  readonly Id: string;
  readonly State: { readonly Status: string };
  readonly HostConfig: { readonly NetworkMode: string };
  readonly NetworkSettings: { readonly Networks?: Readonly<Record<string, { readonly IPAddress?: string }>> | null };
}

export const INSPECT_FORMAT =
  '{"Id":{{json .Id}},"State":{"Status":{{json .State.Status}}},"HostConfig":{"NetworkMode":{{json .HostConfig.NetworkMode}}},"NetworkSettings":{"Networks":{{json .NetworkSettings.Networks}}}}';

/** An address to dial, or why the container has none (the words go into the evidence). */
export type Reach = { readonly host: string } | { readonly unreachable: string };

const SHARED = 'container:';

/** The container whose network namespace this one uses (`network_mode: service:edge` becomes `container:<id>`). */
export function namespaceOwnerOf(container: InspectedContainer): string | undefined {
  const mode = container.HostConfig.NetworkMode;
  return mode.startsWith(SHARED) ? mode.slice(SHARED.length) : undefined;
}

/**
 * Host network: loopback (the container's port is the host's). A shared namespace: the owner's
 * address (`owner` is its inspect, undefined when it is gone). Otherwise the container's IP on its
 * first network that gave it one: on Linux the host routes to its bridge networks.
 */
export function hostOf(container: InspectedContainer, owner?: InspectedContainer): Reach {
  const mode = container.HostConfig.NetworkMode;
  if (mode === 'host') return { host: '127.0.0.1' };
  if (mode === 'none') return { unreachable: 'no network (network_mode none)' };
  const ownerId = namespaceOwnerOf(container);
  if (ownerId !== undefined) {
    if (owner === undefined || owner.Id !== ownerId) return { unreachable: `its network's container ${ownerId.slice(0, 12)} is gone` };
    // Docker refuses to share a namespace that is itself shared, so one level is all there is.
    return namespaceOwnerOf(owner) === undefined ? hostOf(owner) : { unreachable: `its network's container ${ownerId.slice(0, 12)} shares another's` };
  }
  const ip = Object.values(container.NetworkSettings.Networks ?? {}).find((network) => network.IPAddress)?.IPAddress;
  return ip ? { host: ip } : { unreachable: `no address: container ${container.State.Status}` };
}

/** `host:port`, brackets around an IPv6 host. */
export const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
