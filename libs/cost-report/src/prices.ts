import { readFileSync } from 'node:fs';
import { z } from 'zod';

const price = z.number({ message: 'a number (a price in the file\'s currency)' }).nonnegative('a price ≥ 0');
const share = z.number({ message: 'a number between 0 and 1' }).min(0, 'between 0 and 1').max(1, 'between 0 and 1');

/**
 * docker/monitoring/prices.json. The host is priced either by its flat monthly bill (split into CPU,
 * memory and disk pools by `split`) or per unit of measured use, like a cloud VM billed by usage.
 */
export const PricesSchema = z
  .strictObject({
    $comment: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR or USD'),
    host: z
      .strictObject({
        monthly: price.optional(),
        split: z
          .strictObject({ cpu: share, memory: share, disk: share })
          .refine((s) => Math.abs(s.cpu + s.memory + s.disk - 1) < 1e-9, 'cpu + memory + disk must add up to 1')
          .optional(),
        perUnit: z.strictObject({ cpuCoreHour: price, memoryGbHour: price, diskGbMonth: price }).optional(),
      })
      .check((ctx) => {
        const { monthly, split, perUnit } = ctx.value;
        if ((monthly === undefined) === (perUnit === undefined)) {
          ctx.issues.push({ code: 'custom', input: ctx.value, message: 'give exactly one of host.monthly (with host.split) or host.perUnit' });
        } else if (monthly !== undefined && split === undefined) {
          ctx.issues.push({ code: 'custom', input: ctx.value, path: ['split'], message: 'missing; host.monthly needs the shares of the bill that CPU, memory and disk stand for, e.g. {"cpu":0.5,"memory":0.4,"disk":0.1}' });
        }
      }),
    egress: z.strictObject({ perGb: price, includedGb: price.default(0) }),
    objectStorage: z.strictObject({ storageGbMonth: price, egressGb: price }).optional(),
  });
export type Prices = z.infer<typeof PricesSchema>;

export class PricesError extends Error {
  override readonly name = 'PricesError';
}

/** Validates parsed prices; every problem is named with its key and the file. */
export function parsePrices(data: unknown, file: string): Prices {
  const parsed = PricesSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    const given = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), data);
    const why = issue.code === 'invalid_type' && given === undefined ? 'missing' : issue.message;
    return `  - ${key}: ${why}`;
  });
  throw new PricesError(`${file} is not a valid price table (see libs/cost-report/README.md):\n${problems.join('\n')}`);
}

export function loadPrices(file: string): Prices {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PricesError(`cannot read the price table ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; create it from docker/monitoring/prices.json`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PricesError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parsePrices(data, file);
}
