import { statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mountPointOf, mountPoints, probeDisk } from './disk.ts';

const mountinfo = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '30 22 8:2 / /var/lib/docker rw,relatime shared:2 - ext4 /dev/sdb1 rw',
  '31 22 0:5 / /var/lib/docker\\040two rw - tmpfs tmpfs rw',
].join('\n');

describe('disk', () => {
  it('finds the filesystem of a path by the longest mount point that holds it', () => {
    const points = mountPoints(mountinfo);
    expect(mountPointOf('/var/lib/docker/volumes/x', points)).toBe('/var/lib/docker');
    expect(mountPointOf('/var/lib/dockerish', points)).toBe('/');
    expect(mountPointOf('/var/lib/docker two/a', points)).toBe('/var/lib/docker two');
  });

  it('reads the real size and free space of this machine\'s root, one row per filesystem', () => {
    const rows = probeDisk(['/', '/usr']);
    const stats = statfsSync('/');
    expect(rows[0]).toMatchObject({ path: '/', mountpoint: '/', sizeBytes: stats.blocks * stats.bsize });
    expect(rows[0]!.availableBytes).toBeGreaterThan(0);
    expect(probeDisk(['/', '/'])).toHaveLength(1);
  });
});
