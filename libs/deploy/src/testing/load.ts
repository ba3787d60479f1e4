// A bounded load on loopback for deploy tests and bench/deploy: a fixed request rate over a few
// keep-alive connections, every answer recorded with the release that served it.
import { Agent, get } from 'node:http';

export interface LoadSample {
  /** When the request was due by the rate (ms since epoch). */
  readonly at: number;
  /**
   * When it got a connection and went to the edge. Later than `at` when all connections are busy: on a
   * loaded machine the queue grows by seconds, and a request due during one step is routed in a later one.
   */
  readonly sentAt: number;
  readonly ms: number;
  /** HTTP status, or 0 when no response came. */
  readonly status: number;
  /** The X-Satvach-Release the backend answered with ('' when none). */
  readonly release: string;
  readonly error?: string;
}

export interface LoadReport {
  readonly samples: readonly LoadSample[];
  readonly total: number;
  readonly failed: number;
  readonly non2xx: number;
  /**
   * Requests resent once because the edge closed their connection before any response byte. An idle
   * keep-alive connection a reload closes: browsers and Go's HTTP client (cloudflared) resend those
   * themselves. A fresh connection an exiting worker had accepted but not read: they do not, so such
   * a request fails for a real client (runbooks/deploy/README.md, "Known limits").
   */
  readonly resentOnClosedConnection: number;
  /** Answers by release, of the requests that went out (`sentAt`) in [from, until). */
  byRelease(from?: number, until?: number): Record<string, number>;
  /** The longest a request waited for a free connection (ms). */
  readonly maxQueuedMs: number;
  /** The first few requests that failed or were not 2xx, for an assertion's message. */
  problems(): string;
}

export interface LoadOptions {
  readonly url: string;
  readonly ratePerSecond: number;
  readonly connections: number;
}

export interface LoadRun {
  readonly samples: readonly LoadSample[];
  stop(): Promise<LoadReport>;
}

const CLOSED_BEFORE_ANSWER = new Set(['ECONNRESET', 'EPIPE']);

export function startLoad(options: LoadOptions): LoadRun {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const samples: LoadSample[] = [];
  const inFlight = new Set<Promise<void>>();
  let resent = 0;

  const once = (sentAt: number, retry: boolean): Promise<void> =>
    new Promise((resolve) => {
      let outAt = Date.now();
      // The resend goes over a new connection: another idle one may be closing too.
      const request = get(options.url, { agent: retry ? false : agent, timeout: 10_000 }, (response) => {
        response.resume();
        response.on('end', () => {
          samples.push({ at: sentAt, sentAt: outAt, ms: Date.now() - sentAt, status: response.statusCode ?? 0, release: String(response.headers['x-satvach-release'] ?? '') });
          resolve();
        });
      });
      request.on('socket', () => {
        outAt = Date.now();
      });
      request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A connection the edge closed before answering: an idle keep-alive one a reload closes, or a
        // fresh one an exiting nginx worker had accepted but not yet read (measured: a few per
        // thousand requests around a reload). The GET is resent once over a new connection and counted.
        const closedBeforeAnswer = CLOSED_BEFORE_ANSWER.has(error.code ?? '') || error.message === 'socket hang up';
        if (closedBeforeAnswer && !retry) {
          resent++;
          resolve(once(sentAt, true));
          return;
        }
        samples.push({ at: sentAt, sentAt: outAt, ms: Date.now() - sentAt, status: 0, release: '', error: `${error.code ?? ''} ${error.message}`.trim() });
        resolve();
      });
    });

  const started = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * options.ratePerSecond);
    for (; sent < due; sent++) {
      const pending = once(Date.now(), false);
      inFlight.add(pending);
      void pending.then(() => inFlight.delete(pending));
    }
  }, 10);

  return {
    samples,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      agent.destroy();
      const sorted = [...samples].sort((a, b) => a.at - b.at);
      return {
        samples: sorted,
        total: sorted.length,
        failed: sorted.filter((sample) => sample.status === 0).length,
        non2xx: sorted.filter((sample) => sample.status !== 0 && (sample.status < 200 || sample.status > 299)).length,
        resentOnClosedConnection: resent,
        maxQueuedMs: Math.max(0, ...sorted.map((sample) => sample.sentAt - sample.at)),
        problems() {
          // Requests with no answer first: they are what an assertion on `failed` needs to show.
          const bad = sorted.filter((sample) => sample.status < 200 || sample.status > 299).sort((a, b) => Number(a.status !== 0) - Number(b.status !== 0));
          return JSON.stringify({ bad: bad.length, first: bad.slice(0, 5).map((sample) => ({ ...sample, at: new Date(sample.at).toISOString() })) });
        },
        byRelease(from = 0, until = Number.POSITIVE_INFINITY) {
          const counts: Record<string, number> = {};
          for (const sample of sorted) if (sample.sentAt >= from && sample.sentAt < until) counts[sample.release] = (counts[sample.release] ?? 0) + 1;
          return counts;
        },
      };
    },
  };
}
