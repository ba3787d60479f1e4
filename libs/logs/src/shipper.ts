import { setTimeout as sleep } from 'node:timers/promises';
import { withRetry } from '@satvach/exec';
import { type CursorFile } from './cursor.ts';
import { type ContainerInfo, type LogSource } from './docker-api.ts';
import { type LogRecord, toRecord } from './record.ts';
import { pushRequest, type SinkFormat } from './sink.ts';
import { timestampNanos } from './time.ts';

export interface ShipperOptions {
  readonly source: LogSource;
  readonly cursors: CursorFile;
  readonly format: SinkFormat;
  /** See pushRequest: the store's root for jsonline, the prefix of /loki/api/v1/push for loki. */
  readonly url: string;
  readonly signal: AbortSignal;
  /** The shipper's own events (retries, dropped batches), one object each; it prints them as JSON. */
  readonly log: (event: Record<string, unknown>) => void;
  readonly fetch?: typeof fetch;
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  /** Lines held in memory at most; beyond it the followers wait (Docker keeps the rest in its log file). */
  readonly maxBuffered?: number;
  readonly discoverIntervalMs?: number;
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** Called after each discovery round, e.g. to touch a heartbeat file for the healthcheck. */
  readonly onAlive?: () => void;
}

export class PushRejectedError extends Error {
  override readonly name = 'PushRejectedError';
  readonly status: number;
  constructor(status: number, body: string) {
    super(`log store answered HTTP ${status}: ${body.slice(0, 300)}`);
    this.status = status;
  }
}

/** 4xx other than 408/429 means the batch itself is bad: resending it forever would stop all shipping. */
export const isRetryablePushError = (error: unknown) => !(error instanceof PushRejectedError) || error.status >= 500 || error.status === 408 || error.status === 429;

interface Pending {
  readonly container: string;
  readonly nanos: bigint;
  readonly record: LogRecord;
}

/**
 * Follows every container of the source and ships each line to the log store, in batches, retrying
 * with backoff until the store accepts them. A container's cursor moves only after its lines are
 * accepted, so a store restart (or a shipper restart) loses no line and repeats none.
 * Resolves when `signal` aborts, after a last flush attempt.
 */
export async function ship(options: ShipperOptions): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  const batchSize = options.batchSize ?? 1000;
  const maxBuffered = options.maxBuffered ?? 20_000;
  const buffer: Pending[] = [];
  let roomWaiters: (() => void)[] = [];
  let dataWaiter: (() => void) | undefined;
  const followed = new Map<string, AbortController>();
  const ended = new Set<string>();
  const readUpTo = new Map<string, bigint>();
  let live = new Set<string>();
  let stopping = false;
  // Aborts the wait between retries when the shipper stops, so a store outage cannot hold up a shutdown.
  const stopRetrying = new AbortController();

  const follow = async (container: ContainerInfo) => {
    const controller = new AbortController();
    followed.set(container.id, controller);
    const since = readUpTo.get(container.id) ?? options.cursors.get(container.id) ?? 0n;
    try {
      for await (const entry of options.source.follow(container.id, since, controller.signal)) {
        const nanos = timestampNanos(entry.time);
        // Docker's `since` is inclusive: the line at the cursor was shipped already.
        if (nanos <= (readUpTo.get(container.id) ?? options.cursors.get(container.id) ?? -1n)) continue;
        while (buffer.length >= maxBuffered && !controller.signal.aborted) await new Promise<void>((resolve) => roomWaiters.push(resolve));
        if (controller.signal.aborted) break;
        readUpTo.set(container.id, nanos);
        buffer.push({ container: container.id, nanos, record: toRecord({ service: container.service, container: container.name, ...entry }) });
        if (buffer.length >= batchSize) dataWaiter?.();
      }
      if (!container.running) ended.add(container.id);
    } catch (error) {
      if (!controller.signal.aborted) options.log({ level: 'warning', event: 'follow_failed', container: container.name, error: (error as Error).message });
    } finally {
      followed.delete(container.id);
    }
  };

  const discover = async () => {
    while (!options.signal.aborted) {
      try {
        const containers = await options.source.containers();
        live = new Set(containers.map((c) => c.id));
        // A stopped container is read once to its end; it is followed again only once it runs again.
        for (const container of containers) {
          if (container.running) ended.delete(container.id);
          if (!followed.has(container.id) && !ended.has(container.id) && !options.signal.aborted) void follow(container);
        }
        options.onAlive?.();
      } catch (error) {
        options.log({ level: 'error', event: 'discovery_failed', error: (error as Error).message });
      }
      await sleep(options.discoverIntervalMs ?? 2000, undefined, { signal: options.signal }).catch(() => undefined);
    }
  };

  const deliver = async (batch: readonly Pending[], attempts: number) => {
    const request = pushRequest(options.format, options.url, batch.map((pending) => pending.record));
    await withRetry(
      async () => {
        const response = await fetchFn(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000) });
        if (!response.ok) throw new PushRejectedError(response.status, await response.text());
        await response.body?.cancel();
      },
      {
        attempts,
        baseDelayMs: options.retryBaseDelayMs ?? 250,
        maxDelayMs: options.retryMaxDelayMs ?? 5000,
        isTransient: isRetryablePushError,
        delay: (ms) => sleep(ms, undefined, { signal: stopRetrying.signal }),
        onRetry: ({ attempt, delayMs, error }) =>
          options.log({ level: 'warning', event: 'push_retry', lines: batch.length, attempt, retry_in_ms: delayMs, error: (error as Error).message }),
      },
    );
  };

  const flushOnce = async (attempts: number) => {
    const batch = buffer.slice(0, batchSize);
    try {
      await deliver(batch, attempts);
    } catch (error) {
      if (isRetryablePushError(error)) throw error;
      options.log({ level: 'error', event: 'batch_rejected', lines: batch.length, error: (error as Error).message });
    }
    const accepted = new Map<string, bigint>();
    for (const pending of batch) if (pending.nanos > (accepted.get(pending.container) ?? -1n)) accepted.set(pending.container, pending.nanos);
    options.cursors.advance(accepted, live);
    buffer.splice(0, batch.length);
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
  };

  const flushLoop = async () => {
    while (!stopping) {
      if (buffer.length < batchSize) {
        await new Promise<void>((resolve) => {
          dataWaiter = resolve;
          setTimeout(resolve, options.flushIntervalMs ?? 500).unref();
        });
        dataWaiter = undefined;
      }
      // Until accepted: the cursor stays put meanwhile and the followers wait once the buffer is full.
      if (buffer.length > 0) await flushOnce(Number.MAX_SAFE_INTEGER).catch((error: unknown) => {
        if (!stopRetrying.signal.aborted) throw error;
      });
    }
  };

  const discovery = discover();
  const flushing = flushLoop();
  await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  // Discovery first, so that no follower starts after the others were told to stop.
  await discovery;
  for (const controller of followed.values()) controller.abort();
  for (const wake of roomWaiters) wake();
  stopping = true;
  stopRetrying.abort();
  dataWaiter?.();
  await flushing;
  // A last try for what is left; lines not accepted now are read again from the cursor next start.
  while (buffer.length > 0) {
    try {
      await flushOnce(3);
    } catch (error) {
      options.log({ level: 'warning', event: 'stopped_with_unshipped_lines', lines: buffer.length, error: (error as Error).message });
      break;
    }
  }
}
