import { readFileSync } from 'node:fs';
import type { ContainerCpu } from '../observations.ts';

/** The all-CPU counters of /proc/stat: time not idle and time in all (jiffies since boot). */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

/** /proc/stat's `cpu` line → busy and total; idle and iowait are the idle time, as node_exporter's mode="idle" plus waiting. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((entry) => /^cpu\s/.test(entry));
  if (line === undefined) throw new Error('/proc/stat has no "cpu" line');
  // user nice system idle iowait irq softirq steal; guest time is already counted in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, total };
}

/** The busy share between two readings, 0–100. */
export function busyPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total <= 0 ? 0 : (100 * (after.busy - before.busy)) / total;
}

export const readProcStat = (): CpuTimes => parseProcStat(readFileSync('/proc/stat', 'utf8'));

/** The argv of one `docker stats` sample of the given containers, one `name<TAB>cpu%` line each. */
export const dockerStatsArgs = (ids: readonly string[]): string[] => ['stats', '--no-stream', '--format', '{{.Name}}\t{{.CPUPerc}}', ...ids];

/** `docker stats` lines → name and percent of one CPU ("180.23%" → 180.23); "--" (a stopping container) is left out. */
export function parseDockerStats(stdout: string): ContainerCpu[] {
  return stdout
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .filter((fields): fields is [string, string] => fields.length === 2 && /^\d+(\.\d+)?%$/.test(fields[1] ?? ''))
    .map(([name, cpu]) => ({ name, cpuPercent: Number(cpu.slice(0, -1)) }));
}
