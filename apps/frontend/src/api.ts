import { ApiError, type FieldError, NearbyResponse } from '@satvach/api-contract';
import { type z } from 'zod';

export type ApiRequestErrorKind = 'http' | 'network' | 'invalid-response';

interface ApiRequestErrorInit {
  kind: ApiRequestErrorKind;
  message: string;
  status?: number;
  body?: ApiError;
  cause?: unknown;
}

/** Every way a request to the SatVach API can fail, with a message fit to show a person. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  readonly kind: ApiRequestErrorKind;
  /** The HTTP status, for `http` errors. */
  readonly status: number | undefined;
  /** The API's error body, when the server sent one that matches the contract. */
  readonly body: ApiError | undefined;

  constructor(init: ApiRequestErrorInit) {
    super(init.message, { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.body = init.body;
  }

  /** The request fields the server rejected, if any. */
  get fields(): FieldError[] {
    return this.body?.fields ?? [];
  }
}

export interface NearbyQuery {
  lat: number;
  lon: number;
  radiusM: number;
  limit?: number;
}

export interface ApiClient {
  nearby(query: NearbyQuery, signal?: AbortSignal): Promise<NearbyResponse>;
}

export interface ApiClientOptions {
  /** Origin the API is served from; `''` means the page's own origin. */
  baseUrl: string;
  fetch?: typeof fetch;
}

const describeCause = (error: unknown) => (error instanceof Error ? error.message : String(error));

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function httpError(response: Response, text: string): ApiRequestError {
  const json = parseJson(text);
  const body = json.ok ? ApiError.safeParse(json.value) : undefined;
  if (body?.success) {
    return new ApiRequestError({ kind: 'http', status: response.status, body: body.data, message: body.data.message });
  }
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  return new ApiRequestError({
    kind: 'http',
    status: response.status,
    message: `The server could not answer (HTTP ${response.status}${statusText}). Please try again.`,
  });
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  // Looked up per call rather than bound once, so a test or polyfill that replaces fetch later is used.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function getJson<T>(path: string, params: URLSearchParams, schema: z.ZodType<T>, signal?: AbortSignal) {
    const url = `${options.baseUrl}${path}?${params}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, { headers: { Accept: 'application/json' }, signal });
      text = await response.text();
    } catch (error) {
      // A cancelled request is the caller's doing, not a failure to report.
      if (signal?.aborted) throw error;
      throw new ApiRequestError({
        kind: 'network',
        message: `Could not reach the SatVach server (${describeCause(error)}). Check your connection and try again.`,
        cause: error,
      });
    }
    if (!response.ok) throw httpError(response, text);
    const json = parseJson(text);
    if (!json.ok) {
      throw new ApiRequestError({ kind: 'invalid-response', message: 'The server sent a response that is not JSON.' });
    }
    const parsed = schema.safeParse(json.value);
    if (!parsed.success) {
      throw new ApiRequestError({
        kind: 'invalid-response',
        message: `The server sent an unexpected response: ${describeIssues(parsed.error.issues)}.`,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  return {
    nearby(query, signal) {
      const params = new URLSearchParams({
        lat: String(query.lat),
        lon: String(query.lon),
        radius_m: String(query.radiusM),
      });
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return getJson('/api/v1/places/nearby', params, NearbyResponse, signal);
    },
  };
}
