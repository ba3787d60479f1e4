import { z } from 'zod';

const VectorResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
}

export interface PrometheusClient {
  readonly url: string;
  /** An instant query evaluated at `timeMs`. */
  instant(query: string, timeMs: number): Promise<Sample[]>;
}

/** Prometheus's HTTP API (`/api/v1/query`). Errors name the URL, the query and what to check. */
export function prometheusClient(url: string, timeoutMs = 60_000): PrometheusClient {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new PrometheusError(`prometheusUrl "${url}" is not a URL; give e.g. http://127.0.0.1:9090`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new PrometheusError(`prometheusUrl "${url}" must be http(s)://…`);
  const endpoint = new URL('api/v1/query', base.href.endsWith('/') ? base.href : `${base.href}/`);
  return {
    url,
    async instant(query, timeMs) {
      const body = new URLSearchParams({ query, time: (timeMs / 1000).toFixed(3) });
      let response: Response;
      try {
        response = await fetch(endpoint, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const { cause } = error as { cause?: { code?: string; message?: string } };
        const reason = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new PrometheusError(`Prometheus at ${url} is unreachable (${reason}); start it (nx run stack:up --profiles=monitoring) or pass --prometheusUrl`);
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new PrometheusError(`${endpoint.href} answered HTTP ${response.status} with no Prometheus API response; is --prometheusUrl a Prometheus server?`);
      }
      const failure = json as { status?: string; error?: string };
      if (failure.status !== 'success') throw new PrometheusError(`Prometheus at ${url} refused the query (HTTP ${response.status}: ${failure.error ?? 'no error text'}): ${query}`);
      const parsed = VectorResponse.safeParse(json);
      if (!parsed.success) throw new PrometheusError(`Prometheus at ${url} answered the query with no instant vector: ${query}`);
      return parsed.data.data.result.map((entry) => ({ labels: entry.metric, value: Number(entry.value[1]) }));
    },
  };
}
