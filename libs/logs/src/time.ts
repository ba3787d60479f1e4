/** Nanoseconds since the epoch of an RFC 3339 timestamp (Docker's `timestamps=1` prefix keeps all nine digits). */
export function timestampNanos(time: string): bigint {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  const millis = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(millis)) throw new Error(`not an RFC 3339 timestamp: ${time}`);
  return BigInt(millis / 1000) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** The Docker engine's `since` parameter for a point in nanoseconds: `<seconds>.<nanoseconds>`. */
export function dockerSince(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}`;
}
