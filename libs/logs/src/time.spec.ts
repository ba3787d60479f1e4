import { describe, expect, it } from 'vitest';
import { dockerSince, timestampNanos } from './time.ts';

describe('timestampNanos / dockerSince', () => {
  it('reads every precision Docker and VictoriaLogs write, and offsets', () => {
    expect(timestampNanos('2026-12-02T06:40:00.123456789Z')).toBe(1796193600123456789n);
    expect(timestampNanos('2026-12-02T06:40:00.5Z')).toBe(1796193600500000000n);
    expect(timestampNanos('2026-12-02T06:40:00Z')).toBe(1796193600000000000n);
    expect(timestampNanos('2026-12-02T08:40:00.000000001+02:00')).toBe(1796193600000000001n);
  });

  it('refuses what is not RFC 3339', () => {
    expect(() => timestampNanos('yesterday')).toThrow('not an RFC 3339 timestamp: yesterday');
    expect(() => timestampNanos('2026-13-45T06:40:00Z')).toThrow('not an RFC 3339 timestamp');
  });

  it('gives Docker seconds.nanoseconds, zero-padded', () => {
    expect(dockerSince(1796193600000000001n)).toBe('1796193600.000000001');
    expect(dockerSince(0n)).toBe('0.000000000');
  });
});
