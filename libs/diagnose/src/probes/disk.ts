import { readFileSync, statfsSync, statSync } from 'node:fs';
import type { FilesystemObservation } from '../observations.ts';

/** /proc/self/mountinfo → the mount points, longest first, so the first prefix of a path is its filesystem. */
export function mountPoints(mountinfo: string): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && point.startsWith('/'))
    .map((point) => point.replace(/\\040/g, ' '));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export function mountPointOf(path: string, points: readonly string[]): string {
  return points.find((point) => point === '/' || path === point || path.startsWith(`${point}/`)) ?? '/';
}

/**
 * Size and free space (what an unprivileged writer gets) of the filesystems holding `paths`, one row
 * per device (a bind mount of the same disk is the same free space).
 */
export function probeDisk(paths: readonly string[], mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): FilesystemObservation[] {
  const points = mountPoints(mountinfo);
  const seen = new Map<number, FilesystemObservation>();
  for (const path of paths) {
    const device = statSync(path).dev;
    if (seen.has(device)) continue;
    const stats = statfsSync(path);
    seen.set(device, { path, mountpoint: mountPointOf(path, points), sizeBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize });
  }
  return [...seen.values()];
}
