/** Where progress goes: a TTY gets one line rewritten in place, a log gets a line every `intervalMs`. */
export interface ProgressOptions {
  readonly label: string;
  readonly tty: boolean;
  readonly write: (text: string) => void;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export const LOG_INTERVAL_MS = 10_000;
const TTY_INTERVAL_MS = 250;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function progressLine(label: string, bytes: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (bytes / elapsedMs) * 1000 : 0;
  return `${label}: ${formatBytes(bytes)} in ${(elapsedMs / 1000).toFixed(1)} s (${formatBytes(rate)}/s)`;
}

export interface Progress {
  add(bytes: number): void;
  /** The final line, always written. */
  finish(): string;
  readonly bytes: number;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? (options.tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS);
  const started = now();
  let last = started;
  let bytes = 0;
  const render = (final: boolean) => {
    const line = progressLine(options.label, bytes, now() - started);
    if (options.tty) options.write(final ? `\r${line}\n` : `\r${line}`);
    else options.write(`${line}\n`);
    return line;
  };
  return {
    add(count) {
      bytes += count;
      const at = now();
      if (at - last >= interval) {
        last = at;
        render(false);
      }
    },
    finish: () => render(true),
    get bytes() {
      return bytes;
    },
  };
}
