import { describe, expect, it } from 'vitest';
import { busyPercent, dockerStatsArgs, parseDockerStats, parseProcStat, readProcStat } from './cpu.ts';

describe('cpu probe', () => {
  it('reads /proc/stat\'s all-CPU line: idle and iowait are idle, the rest busy', () => {
    const stat = 'cpu  100 10 50 800 40 0 5 0 20 0\ncpu0 50 5 25 400 20 0 2 0 10 0\nintr 1 2\n';
    expect(parseProcStat(stat)).toEqual({ busy: 165, total: 1005 });
    expect(busyPercent({ busy: 165, total: 1005 }, { busy: 345, total: 1205 })).toBe(90);
    expect(busyPercent({ busy: 1, total: 10 }, { busy: 1, total: 10 })).toBe(0);
    expect(() => parseProcStat('intr 1\n')).toThrow('/proc/stat has no "cpu" line');
  });

  it('reads this host\'s /proc/stat', () => {
    const first = readProcStat();
    expect(first.total).toBeGreaterThan(0);
    expect(first.busy).toBeGreaterThan(0);
    expect(first.busy).toBeLessThanOrEqual(first.total);
  });

  it('asks docker stats for one sample of the given containers and reads its lines', () => {
    expect(dockerStatsArgs(['abc', 'def'])).toEqual(['stats', '--no-stream', '--format', '{{.Name}}\t{{.CPUPerc}}', 'abc', 'def']);
    expect(parseDockerStats('satvach_backend_1\t180.23%\nsatvach_db_1\t0.00%\nsatvach_edge_1\t--\n\n')).toEqual([
      { name: 'satvach_backend_1', cpuPercent: 180.23 },
      { name: 'satvach_db_1', cpuPercent: 0 },
    ]);
  });
});
