// A log source for the shipper's tests that stands in for the Docker engine: containers whose
// logs grow while the test runs, followed with Docker's semantics (since inclusive, follow until
// the container stops). The Docker engine itself is exercised by the stack e2e tests.
import { type ContainerInfo, type LogSource, type RawLogEntry } from '../docker-api.ts';
import { timestampNanos } from '../time.ts';

interface FakeContainer extends ContainerInfo {
  readonly entries: RawLogEntry[];
  readonly waiters: Set<() => void>;
  running: boolean;
}

/** RFC 3339 with nine fraction digits, as Docker writes it, from a nanosecond count. */
export function dockerTime(nanos: bigint): string {
  const iso = new Date(Number(nanos / 1_000_000n)).toISOString();
  return `${iso.slice(0, 19)}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export class GeneratedLogs implements LogSource {
  private readonly byId = new Map<string, FakeContainer>();
  private lastNanos = BigInt(Date.now()) * 1_000_000n;

  add(service: string): string {
    const id = `${service}-${this.byId.size}`;
    this.byId.set(id, { id, name: `test-${service}-1`, service, running: true, entries: [], waiters: new Set() });
    return id;
  }

  /** Appends a line; timestamps strictly increase, like a clock read per line. */
  emit(id: string, line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const container = this.byId.get(id);
    if (!container) throw new Error(`no container ${id}`);
    this.lastNanos = [this.lastNanos + 1n, BigInt(Date.now()) * 1_000_000n].reduce((a, b) => (a > b ? a : b));
    container.entries.push({ stream, time: dockerTime(this.lastNanos), line });
    for (const wake of container.waiters) wake();
  }

  stop(id: string): void {
    const container = this.byId.get(id);
    if (!container) throw new Error(`no container ${id}`);
    container.running = false;
    for (const wake of container.waiters) wake();
  }

  /** Runs a stopped container again (like `docker start`): its log continues. */
  restart(id: string): void {
    const container = this.byId.get(id);
    if (!container) throw new Error(`no container ${id}`);
    container.running = true;
  }

  async containers(): Promise<ContainerInfo[]> {
    return [...this.byId.values()].map(({ id, name, service, running }) => ({ id, name, service, running }));
  }

  async *follow(id: string, sinceNanos: bigint, signal: AbortSignal): AsyncIterable<RawLogEntry> {
    const container = this.byId.get(id);
    if (!container) throw new Error(`no container ${id}`);
    let index = container.entries.findIndex((entry) => timestampNanos(entry.time) >= sinceNanos);
    if (index < 0) index = container.entries.length;
    while (!signal.aborted) {
      while (index < container.entries.length) yield container.entries[index++] as RawLogEntry;
      if (!container.running) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          container.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        container.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }
}
