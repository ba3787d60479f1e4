import { describe, expect, it } from 'vitest';
import { isMultiplexed, LogStreamDecoder, ownContainerId } from './docker-api.ts';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('LogStreamDecoder', () => {
  it('splits multiplexed frames into timestamped lines per stream, across chunk boundaries', () => {
    const bytes = Buffer.concat([frame(1, '2026-12-02T06:40:00.000000001Z {"event":"a"}\n'), frame(2, '2026-12-02T06:40:00.000000002Z oops\n')]);
    const decoder = new LogStreamDecoder(true);
    const entries = [...decoder.push(bytes.subarray(0, 5)), ...decoder.push(bytes.subarray(5, 30)), ...decoder.push(bytes.subarray(30))];
    expect(entries).toEqual([
      { stream: 'stdout', time: '2026-12-02T06:40:00.000000001Z', line: '{"event":"a"}' },
      { stream: 'stderr', time: '2026-12-02T06:40:00.000000002Z', line: 'oops' },
    ]);
  });

  it('reads a TTY container raw stream as stdout lines, dropping the carriage return', () => {
    const decoder = new LogStreamDecoder(false);
    expect([...decoder.push(Buffer.from('2026-12-02T06:40:00Z one\r\n2026-12-02T06:40:01Z tw')), ...decoder.push(Buffer.from('o\r\n'))]).toEqual([
      { stream: 'stdout', time: '2026-12-02T06:40:00Z', line: 'one' },
      { stream: 'stdout', time: '2026-12-02T06:40:01Z', line: 'two' },
    ]);
  });

  it('tells the two formats apart by content type, else by the first frame header', () => {
    expect(isMultiplexed('application/vnd.docker.multiplexed-stream', Buffer.from('2026'))).toBe(true);
    expect(isMultiplexed('application/vnd.docker.raw-stream', frame(1, 'x'))).toBe(false);
    expect(isMultiplexed(undefined, frame(1, 'x'))).toBe(true);
    expect(isMultiplexed(undefined, Buffer.from('2026-12-02T06:40:00Z x\n'))).toBe(false);
  });
});

describe('ownContainerId', () => {
  it("finds the container's id in the bind mounts Docker makes for it, with or without host networking", () => {
    const id = 'a'.repeat(24) + '0123456789abcdef0123456789abcdef01234567';
    const mountinfo = [
      '612 590 0:60 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X',
      `630 612 8:1 /var/lib/satvach-harness/engine/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw`,
      `631 612 8:1 /var/lib/satvach-harness/engine/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw`,
    ].join('\n');
    expect(ownContainerId(mountinfo)).toBe(id);
    expect(ownContainerId('612 590 0:60 / / rw,relatime - ext4 /dev/sda1 rw\n')).toBeUndefined();
  });
});
