import { request, type IncomingMessage } from 'node:http';
import { dockerSince } from './time.ts';

/**
 * The few Docker engine API calls the shipper makes, read-only: list a compose project's containers
 * and follow one container's log. Over the unix socket; no docker CLI in the shipper's image.
 */
export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly running: boolean;
}

export interface RawLogEntry {
  readonly stream: 'stdout' | 'stderr';
  /** Docker's RFC 3339 timestamp, nanosecond precision. */
  readonly time: string;
  readonly line: string;
}

export interface LogSource {
  containers(): Promise<ContainerInfo[]>;
  /** The container's log from `sinceNanos` (inclusive, as Docker's `since` is), following until it stops or `signal` aborts. */
  follow(id: string, sinceNanos: bigint, signal: AbortSignal): AsyncIterable<RawLogEntry>;
}

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/**
 * Splits Docker's multiplexed log stream (8-byte header: stream, 0, 0, 0, big-endian length) into
 * lines, keeping a partial frame for the next chunk. Containers with a TTY send raw bytes instead.
 */
export class LogStreamDecoder {
  private pending = Buffer.alloc(0);
  private partial = { stdout: '', stderr: '' };
  private readonly multiplexed: boolean;
  constructor(multiplexed: boolean) {
    this.multiplexed = multiplexed;
  }

  push(chunk: Buffer): RawLogEntry[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const entries: RawLogEntry[] = [];
    if (!this.multiplexed) {
      this.collect('stdout', this.pending.toString('utf8'), entries);
      this.pending = Buffer.alloc(0);
      return entries;
    }
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = STREAMS[this.pending[0] as 1 | 2] ?? 'stdout';
      this.collect(stream, this.pending.subarray(8, 8 + size).toString('utf8'), entries);
      this.pending = this.pending.subarray(8 + size);
    }
    return entries;
  }

  private collect(stream: 'stdout' | 'stderr', text: string, entries: RawLogEntry[]): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      const space = line.indexOf(' ');
      if (space < 0) continue;
      entries.push({ stream, time: line.slice(0, space), line: line.slice(space + 1).replace(/\r$/, '') });
    }
  }
}

/** Whether a log response is multiplexed: by its content type (API ≥ 1.42), else by the first frame's shape. */
export function isMultiplexed(contentType: string | undefined, firstChunk: Buffer): boolean {
  if (contentType?.includes('multiplexed-stream')) return true;
  if (contentType?.includes('raw-stream')) return false;
  return firstChunk.length >= 8 && [0, 1, 2].includes(firstChunk[0] as number) && firstChunk[1] === 0 && firstChunk[2] === 0 && firstChunk[3] === 0;
}

/**
 * The id of the container this process runs in, from /proc/self/mountinfo: Docker bind-mounts the
 * container's own hostname/hosts/resolv.conf from <data-root>/containers/<id>/ (also with host networking).
 */
export function ownContainerId(mountinfo: string): string | undefined {
  return /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/.exec(mountinfo)?.[1];
}

export class DockerApiError extends Error {
  override readonly name = 'DockerApiError';
}

/** The compose project a container belongs to (its com.docker.compose.project label). */
export async function composeProjectOf(socketPath: string, containerId: string): Promise<string> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ socketPath, path: `/containers/${containerId}/json`, method: 'GET' }, resolve);
    req.on('error', (error) => reject(new DockerApiError(`Docker engine at ${socketPath}: ${error.message}`)));
    req.end();
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (response.statusCode !== 200) throw new DockerApiError(`GET /containers/${containerId}/json: HTTP ${response.statusCode}: ${text.trim()}`);
  const project = (JSON.parse(text) as { Config?: { Labels?: Record<string, string> } }).Config?.Labels?.['com.docker.compose.project'];
  if (!project) throw new DockerApiError(`container ${containerId.slice(0, 12)} is not part of a compose project; set SATVACH_LOGS_PROJECT`);
  return project;
}

export function dockerEngine(socketPath: string, project: string): LogSource {
  const get = (path: string, signal?: AbortSignal) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ socketPath, path, method: 'GET', signal }, resolve);
      req.on('error', (error) => reject(new DockerApiError(`Docker engine at ${socketPath}: ${error.message}`)));
      req.end();
    });
  const body = async (response: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    async containers() {
      const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
      const response = await get(`/containers/json?all=1&filters=${filters}`);
      const text = await body(response);
      if (response.statusCode !== 200) throw new DockerApiError(`GET /containers/json: HTTP ${response.statusCode}: ${text.trim()}`);
      return (JSON.parse(text) as { Id: string; Names: string[]; State: string; Labels: Record<string, string> }[]).map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        service: c.Labels['com.docker.compose.service'] ?? (c.Names[0] ?? c.Id).replace(/^\//, ''),
        running: c.State === 'running',
      }));
    },
    async *follow(id, sinceNanos, signal) {
      const query = new URLSearchParams({ follow: '1', stdout: '1', stderr: '1', timestamps: '1', since: dockerSince(sinceNanos) });
      const response = await get(`/containers/${encodeURIComponent(id)}/logs?${query}`, signal);
      if (response.statusCode !== 200) throw new DockerApiError(`GET /containers/${id}/logs: HTTP ${response.statusCode}: ${(await body(response)).trim()}`);
      let decoder: LogStreamDecoder | undefined;
      for await (const chunk of response) {
        decoder ??= new LogStreamDecoder(isMultiplexed(response.headers['content-type'], chunk as Buffer));
        yield* decoder.push(chunk as Buffer);
      }
    },
  };
}
