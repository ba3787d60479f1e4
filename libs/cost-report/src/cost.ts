import { type Month } from './month.ts';
import { type Prices } from './prices.ts';
import { type HostUsage, type MonthUsage, type ObjectStorageUsage, type ResourceUsage } from './usage.ts';

export interface CostParts {
  readonly cpu: number;
  readonly memory: number;
  readonly disk: number;
  readonly egress: number;
  readonly total: number;
}

export interface ServiceCost {
  readonly service: string;
  readonly usage: ResourceUsage;
  readonly cost: CostParts;
  /** Of the month's whole bill, 0–1. */
  readonly share: number;
}

/** The row for what the host used outside the stack's containers (the OS, Docker, other processes). */
export const OUTSIDE_CONTAINERS = 'host (outside the stack)';

export interface MonthCost {
  readonly month: Month;
  readonly currency: string;
  readonly host: HostUsage;
  /** The host's bill split into the pools the services share. */
  readonly pools: CostParts;
  /** Services by cost, most expensive first, then the host's own use. */
  readonly rows: readonly ServiceCost[];
  readonly objectStorage: { readonly usage: ObjectStorageUsage | undefined; readonly cost: number };
  readonly total: number;
  /** Things the reader must know (no object-storage data, services measuring more than the host…). */
  readonly notes: readonly string[];
}

const RESOURCES = [
  ['cpu', 'cpuCoreHours'],
  ['memory', 'memoryGbHours'],
  ['disk', 'diskGbMonths'],
  ['egress', 'egressGb'],
] as const;

const parts = (cpu: number, memory: number, disk: number, egress: number): CostParts => ({ cpu, memory, disk, egress, total: cpu + memory + disk + egress });

/**
 * Prices one month and shares the host's bill among the services by their measured use: each pool
 * (CPU, memory, disk, egress) is divided in proportion to each service's use of that resource over the
 * host's total use of it; what the host used outside the containers stays on its own row. With a flat
 * monthly price the pools are the bill × `host.split` (idle capacity is thus paid for by whoever used
 * the resource); with per-unit prices each pool is the host's use × the unit price. Egress beyond
 * `egress.includedGb` is billed per GB. Object storage is billed on its own line.
 */
export function priceMonth(usage: MonthUsage, host: HostUsage, prices: Prices): MonthCost {
  const notes: string[] = [];
  const billedEgress = Math.max(0, host.egressGb - prices.egress.includedGb) * prices.egress.perGb;
  const { monthly, split, perUnit } = prices.host;
  const pools =
    perUnit !== undefined
      ? parts(host.cpuCoreHours * perUnit.cpuCoreHour, host.memoryGbHours * perUnit.memoryGbHour, host.diskGbMonths * perUnit.diskGbMonth, billedEgress)
      : parts((monthly ?? 0) * (split?.cpu ?? 0), (monthly ?? 0) * (split?.memory ?? 0), (monthly ?? 0) * (split?.disk ?? 0), billedEgress);

  const services = Object.entries(usage.services);
  const denominators = Object.fromEntries(
    RESOURCES.map(([pool, key]) => {
      const summed = services.reduce((sum, [, use]) => sum + use[key], 0);
      // Clocks and scrapes differ between cAdvisor and node-exporter: containers may measure slightly more than the host.
      if (summed > host[key] * 1.001) notes.push(`the containers' ${key} (${summed.toFixed(3)}) exceeds the host's (${host[key].toFixed(3)}); the ${pool} pool was shared among the containers only`);
      return [pool, Math.max(summed, host[key])];
    }),
  ) as Record<(typeof RESOURCES)[number][0], number>;
  const shareOf = (pool: (typeof RESOURCES)[number][0], used: number) => (denominators[pool] > 0 ? (pools[pool] * used) / denominators[pool] : 0);

  const serviceCosts = services.map(([service, use]) => ({
    service,
    usage: use,
    cost: parts(shareOf('cpu', use.cpuCoreHours), shareOf('memory', use.memoryGbHours), shareOf('disk', use.diskGbMonths), shareOf('egress', use.egressGb)),
  }));
  const allocated = (pool: keyof CostParts) => serviceCosts.reduce((sum, row) => sum + row.cost[pool], 0);
  const outside = {
    service: OUTSIDE_CONTAINERS,
    usage: Object.fromEntries(RESOURCES.map(([, key]) => [key, Math.max(0, host[key] - services.reduce((sum, [, use]) => sum + use[key], 0))])) as unknown as ResourceUsage,
    cost: parts(pools.cpu - allocated('cpu'), pools.memory - allocated('memory'), pools.disk - allocated('disk'), pools.egress - allocated('egress')),
  };

  let storageCost = 0;
  if (usage.objectStorage === undefined) notes.push('no object-storage usage in Prometheus for this month (minio_bucket_usage_total_bytes); object storage is not priced');
  else if (prices.objectStorage === undefined) notes.push('prices.json has no objectStorage prices; object storage is not priced');
  else storageCost = usage.objectStorage.storageGbMonths * prices.objectStorage.storageGbMonth + usage.objectStorage.egressGb * prices.objectStorage.egressGb;

  const total = pools.total + storageCost;
  const rows = [...serviceCosts.sort((a, b) => b.cost.total - a.cost.total || a.service.localeCompare(b.service)), outside].map((row) => ({ ...row, share: total > 0 ? row.cost.total / total : 0 }));
  return { month: usage.month, currency: prices.currency, host, pools, rows, objectStorage: { usage: usage.objectStorage, cost: storageCost }, total, notes };
}

export interface Change {
  readonly service: string;
  readonly current: number;
  /** Undefined: the service did not run in the previous month (or no data for it). */
  readonly previous: number | undefined;
  readonly delta: number;
}

/** Each service's cost against the previous month; the total too. */
export function compareMonths(current: MonthCost, previous: MonthCost | undefined): { rows: Change[]; total: Change } {
  const before = new Map(previous?.rows.map((row) => [row.service, row.cost.total]));
  const names = [...new Set([...current.rows.map((row) => row.service), ...before.keys()])];
  const now = new Map(current.rows.map((row) => [row.service, row.cost.total]));
  const rows = names.map((service) => {
    const value = now.get(service) ?? 0;
    const earlier = previous === undefined ? undefined : before.get(service);
    // Without a previous month there is nothing to grow from: no deltas.
    return { service, current: value, previous: earlier, delta: previous === undefined ? 0 : value - (earlier ?? 0) };
  });
  return { rows, total: { service: 'total', current: current.total, previous: previous?.total, delta: previous === undefined ? 0 : current.total - previous.total } };
}

/** The services whose cost grew most, largest increase first. */
export function topGrowth(changes: readonly Change[], limit = 5): Change[] {
  return changes.filter((change) => change.delta > 0).sort((a, b) => b.delta - a.delta).slice(0, limit);
}
