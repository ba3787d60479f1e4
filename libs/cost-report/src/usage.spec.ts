import { describe, expect, it } from 'vitest';
import { parseMonth } from './month.ts';
import { usageQueries } from './usage.ts';

describe('usageQueries', () => {
  it('evaluates at the month\'s last millisecond over exactly its length', () => {
    const november = usageQueries(parseMonth('2026-11'));
    expect(november.timeMs).toBe(Date.parse('2026-12-01T00:00:00Z') - 1);
    expect(november.services.cpuCoreHours).toContain('[2592000s]');
    expect(november.services.memoryGbHours).toContain('[2592000s:60s]');
    expect(usageQueries(parseMonth('2026-10')).host.egressGb).toContain('[2678400s]');
  });

  it('maps both compose naming schemes of the project\'s containers to their service', () => {
    const queries = usageQueries(parseMonth('2026-11'), { project: 'prod_2' });
    expect(queries.services.cpuCoreHours).toBe(
      'sum by (service) (label_replace(increase(container_cpu_usage_seconds_total{name=~"prod_2[-_].+[-_][0-9]+"}[2592000s]), "service", "$1", "name", "prod_2[-_](.+)[-_][0-9]+")) / 3600',
    );
  });

  it('refuses a project name that is not a compose project, and a step that is not whole seconds up to an hour', () => {
    expect(() => usageQueries(parseMonth('2026-11'), { project: 'a"}or{' })).toThrow('project "a"}or{" is not a compose project name');
    expect(() => usageQueries(parseMonth('2026-11'), { stepSeconds: 0.5 })).toThrow('stepSeconds 0.5: give whole seconds between 1 and 3600');
  });
});
