export interface UpstreamServer {
  readonly address: string;
  /** Percent of requests; 0 leaves the server out (nginx has no weight 0). */
  readonly weight: number;
}

export interface UpstreamSpec {
  readonly name: string;
  readonly keepalive: number;
  readonly servers: readonly UpstreamServer[];
  /** Said in the file's header comment, so whoever reads the live file knows what it is. */
  readonly comment: string;
}

const ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * nginx must drop an idle upstream connection before the backend does (uvicorn: 5 s), or a request
 * sent on a connection the backend is closing fails with 502 when no other server is left to retry.
 */
export const UPSTREAM_IDLE_SECONDS = 4;

/**
 * nginx's passive failover, made explicit for the servers of a split (canary) upstream. Its defaults
 * (max_fails=1 fail_timeout=10s) take a server out of a worker's rotation for 10 s after one failed
 * attempt: a stable that drops one connection under load would hand the canary all of that worker's
 * traffic, with nothing in the log but the one failed attempt. With 0 nginx keeps no failure count: the
 * shares stay the weights the deploy wrote, a failed attempt is still retried once at the other colour
 * (proxy_next_upstream in proxy.conf) and logged, and the canary analysis (not nginx) decides from that
 * log, including the share the canary really got. fail_timeout only counts with max_fails > 0, so none
 * is written. A single server is never taken out by nginx, so its line stays plain.
 */
export const SPLIT_MAX_FAILS = 0;

/** The edge's `upstream` block. Shares are nginx weights: smooth weighted round robin splits exactly. */
export function renderUpstream(spec: UpstreamSpec): string {
  const servers = spec.servers.filter((server) => server.weight > 0);
  if (servers.length === 0) throw new Error(`upstream ${spec.name}: no server has a weight above 0`);
  const total = servers.reduce((sum, server) => sum + server.weight, 0);
  if (total !== 100) throw new Error(`upstream ${spec.name}: weights add up to ${total}, not 100`);
  for (const server of servers) {
    if (!ADDRESS.test(server.address)) throw new Error(`upstream ${spec.name}: "${server.address}" is not host:port`);
    if (!Number.isInteger(server.weight)) throw new Error(`upstream ${spec.name}: weight ${server.weight} of ${server.address} is not a whole number`);
  }
  const lines = servers.map((server) => (servers.length === 1 ? `  server ${server.address};` : `  server ${server.address} weight=${server.weight} max_fails=${SPLIT_MAX_FAILS};`));
  const comment = spec.comment.split('\n').map((line) => `# ${line}`);
  return [...comment, `upstream ${spec.name} {`, ...lines, `  keepalive ${spec.keepalive};`, `  keepalive_timeout ${UPSTREAM_IDLE_SECONDS}s;`, '}', ''].join('\n');
}
