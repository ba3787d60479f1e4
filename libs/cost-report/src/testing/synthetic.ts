// Synthetic history for the report tests: series given by rate/value functions of time, sampled on a
// fixed step, kept as samples (the tests compute their expectations from these) and as OpenMetrics text.

export interface SeriesSpec {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Counter: `rate(t)` per second over the interval that starts at t. Gauge: `value(t)`. */
  readonly counter?: (t: number) => number;
  readonly gauge?: (t: number) => number;
  /** The series exists from here (ms), e.g. a service started mid-month. */
  readonly fromMs?: number;
  /** A counter drops to 0 at these instants (ms) and counts up again: a restarted process. */
  readonly resetsMs?: readonly number[];
}

export interface Series {
  readonly spec: SeriesSpec;
  /** [ms, value], in time order. */
  readonly samples: readonly (readonly [number, number])[];
}

export function generate(specs: readonly SeriesSpec[], startMs: number, endMs: number, stepMs: number): Series[] {
  return specs.map((spec) => {
    const samples: [number, number][] = [];
    let counter = 0;
    let previous: number | undefined;
    for (let t = Math.max(startMs, spec.fromMs ?? startMs); t <= endMs; t += stepMs) {
      if (spec.counter) {
        if (previous !== undefined) {
          const added = spec.counter(previous) * ((t - previous) / 1000);
          counter = spec.resetsMs?.some((reset) => reset > previous! && reset <= t) ? added : counter + added;
        }
        samples.push([t, counter]);
      } else if (spec.gauge) {
        samples.push([t, spec.gauge(t)]);
      }
      previous = t;
    }
    return { spec, samples };
  });
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');

/** OpenMetrics text, all series interleaved in time order, ending in `# EOF`, for promtool. */
export function openMetrics(series: readonly Series[]): string {
  const lines: string[] = [];
  const byTime = new Map<number, string[]>();
  for (const { spec, samples } of series) {
    const name = `${spec.metric}{${labelText(spec.labels)}}`;
    for (const [t, value] of samples) {
      let bucket = byTime.get(t);
      if (!bucket) byTime.set(t, (bucket = []));
      bucket.push(`${name} ${value} ${(t / 1000).toFixed(3)}`);
    }
  }
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) lines.push(...(byTime.get(t) ?? []));
  lines.push('# EOF', '');
  return lines.join('\n');
}
