import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thrown } from '@satvach/exec/testing';
import { loadPrices, PricesError } from './prices.ts';

const workspaceRoot = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'satvach-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(content: unknown, name = 'prices.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const valid = { currency: 'EUR', host: { monthly: 40, split: { cpu: 0.5, memory: 0.35, disk: 0.15 } }, egress: { perGb: 0.01 } };

describe('prices.json', () => {
  it('the documented table in docker/monitoring loads', () => {
    const prices = loadPrices(join(workspaceRoot, 'docker/monitoring/prices.json'));
    expect(prices.currency).toBe('EUR');
    expect(prices.host.monthly).toBeGreaterThan(0);
  });

  it('per-unit prices instead of a monthly bill load too; includedGb defaults to 0', () => {
    const prices = loadPrices(fileWith({ currency: 'USD', host: { perUnit: { cpuCoreHour: 0.02, memoryGbHour: 0.003, diskGbMonth: 0.08 } }, egress: { perGb: 0.09 } }));
    expect(prices.host.perUnit).toEqual({ cpuCoreHour: 0.02, memoryGbHour: 0.003, diskGbMonth: 0.08 });
    expect(prices.egress.includedGb).toBe(0);
  });

  it('a missing key is named with the file', () => {
    const file = fileWith({ ...valid, egress: undefined }, 'missing-egress.json');
    expect(() => loadPrices(file)).toThrow(PricesError);
    expect(() => loadPrices(file)).toThrow(`${file} is not a valid price table`);
    expect(() => loadPrices(file)).toThrow('  - egress: missing');
  });

  it('a missing nested key, a wrong type and an unknown key are each named', () => {
    const file = fileWith({ ...valid, currency: 'euro', host: { monthly: '40', split: { cpu: 0.5, memory: 0.35, disk: 0.15 } }, egress: { perGb: 0.01, perTb: 1 } });
    const { message } = thrown(() => loadPrices(file), PricesError);
    expect(message).toContain(file);
    expect(message).toContain('  - currency: an ISO 4217 code such as EUR or USD');
    expect(message).toContain('  - host.monthly: a number');
    expect(message).toMatch(/ {2}- egress: .*perTb/);
  });

  it('a monthly price without its split, both pricing modes, or shares not adding up to 1 are refused', () => {
    expect(() => loadPrices(fileWith({ ...valid, host: { monthly: 40 } }))).toThrow('  - host.split: missing; host.monthly needs the shares');
    expect(() => loadPrices(fileWith({ ...valid, host: { ...valid.host, perUnit: { cpuCoreHour: 1, memoryGbHour: 1, diskGbMonth: 1 } } }))).toThrow('  - host: give exactly one of host.monthly (with host.split) or host.perUnit');
    expect(() => loadPrices(fileWith({ ...valid, host: { monthly: 40, split: { cpu: 0.5, memory: 0.5, disk: 0.5 } } }))).toThrow('  - host.split: cpu + memory + disk must add up to 1');
    expect(() => loadPrices(fileWith({ ...valid, egress: { perGb: -1 } }))).toThrow('  - egress.perGb: a price ≥ 0');
  });

  it('a file that is missing or not JSON is named', () => {
    expect(() => loadPrices(join(dir, 'absent.json'))).toThrow(`cannot read the price table ${join(dir, 'absent.json')}: ENOENT`);
    const broken = fileWith('{ "currency": ', 'broken.json');
    expect(() => loadPrices(broken)).toThrow(`${broken} is not JSON`);
  });
});
