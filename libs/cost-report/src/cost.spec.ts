import { describe, expect, it } from 'vitest';
import { compareMonths, OUTSIDE_CONTAINERS, priceMonth, topGrowth } from './cost.ts';
import { parseMonth } from './month.ts';
import { type Prices } from './prices.ts';
import { type HostUsage, type MonthUsage } from './usage.ts';

const month = parseMonth('2026-11');
const host: HostUsage = { cpuCoreHours: 100, memoryGbHours: 1000, diskGbMonths: 50, egressGb: 300, capacity: { cpuCoreHours: 1440, memoryGbHours: 5760, diskGbMonths: 200 } };
const usage = (services: MonthUsage['services']): MonthUsage => ({ month, services, host, objectStorage: { storageGbMonths: 10, egressGb: 5 } });
const perUnit: Prices = { currency: 'USD', host: { perUnit: { cpuCoreHour: 0.04, memoryGbHour: 0.005, diskGbMonth: 0.1 } }, egress: { perGb: 0.09, includedGb: 100 }, objectStorage: { storageGbMonth: 0.023, egressGb: 0.09 } };

describe('priceMonth', () => {
  it('per-unit prices: the host pays its measured use, each service its own use × the unit price', () => {
    const cost = priceMonth(usage({ api: { cpuCoreHours: 60, memoryGbHours: 400, diskGbMonths: 10, egressGb: 200 } }), host, perUnit);
    const api = cost.rows.find((row) => row.service === 'api')!;
    expect(api.cost.cpu).toBeCloseTo(60 * 0.04, 12);
    expect(api.cost.memory).toBeCloseTo(400 * 0.005, 12);
    expect(api.cost.disk).toBeCloseTo(10 * 0.1, 12);
    // 200 GB of the host's 300 GB; 100 GB are included, so 200 GB are billed and api pays 2/3 of them.
    expect(api.cost.egress).toBeCloseTo(200 * 0.09 * (200 / 300), 12);
    const outside = cost.rows.find((row) => row.service === OUTSIDE_CONTAINERS)!;
    expect(outside.usage).toEqual({ cpuCoreHours: 40, memoryGbHours: 600, diskGbMonths: 40, egressGb: 100 });
    expect(cost.objectStorage.cost).toBeCloseTo(10 * 0.023 + 5 * 0.09, 12);
    expect(cost.total).toBeCloseTo(100 * 0.04 + 1000 * 0.005 + 50 * 0.1 + 200 * 0.09 + 10 * 0.023 + 5 * 0.09, 12);
    expect(cost.notes).toEqual([]);
  });

  it('containers measuring more than the host share the pool among themselves and say so', () => {
    const cost = priceMonth(usage({ a: { cpuCoreHours: 80, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 }, b: { cpuCoreHours: 40, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 } }), host, perUnit);
    const pool = 100 * 0.04;
    expect(cost.rows.find((row) => row.service === 'a')!.cost.cpu).toBeCloseTo((pool * 80) / 120, 12);
    expect(cost.rows.find((row) => row.service === OUTSIDE_CONTAINERS)!.cost.cpu).toBeCloseTo(0, 12);
    expect(cost.notes).toContain('the containers\' cpuCoreHours (120.000) exceeds the host\'s (100.000); the cpu pool was shared among the containers only');
  });

  it('no object-storage data or prices is said, not silently priced at 0', () => {
    const noData = priceMonth({ ...usage({}), objectStorage: undefined }, host, perUnit);
    expect(noData.notes).toContain('no object-storage usage in Prometheus for this month (minio_bucket_usage_total_bytes); object storage is not priced');
    const noPrices = priceMonth(usage({}), host, { ...perUnit, objectStorage: undefined });
    expect(noPrices.notes).toContain('prices.json has no objectStorage prices; object storage is not priced');
  });
});

describe('compareMonths / topGrowth', () => {
  it('new services count as growth from 0; without a previous month nothing grows', () => {
    const a = priceMonth(usage({ api: { cpuCoreHours: 10, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 } }), host, perUnit);
    const b = priceMonth(usage({ api: { cpuCoreHours: 20, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 }, worker: { cpuCoreHours: 30, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 } }), host, perUnit);
    const { rows } = compareMonths(b, a);
    expect(topGrowth(rows).map((change) => [change.service, change.previous === undefined])).toEqual([['worker', true], ['api', false]]);
    expect(topGrowth(compareMonths(b, undefined).rows)).toEqual([]);
  });
});
