/**
 * What the probes saw, as plain data: the checks (checks.ts) judge these, so every verdict and its
 * words are tested without a server, and the probes (probes/) only have to observe faithfully.
 */

export type DbObservation =
  | { readonly kind: 'unreachable'; readonly address: string; readonly reason: string }
  | { readonly kind: 'auth-failed'; readonly user: string }
  | { readonly kind: 'role-limit'; readonly user: string; readonly limit: number }
  | { readonly kind: 'server-full'; readonly maxConnections?: number }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ok'; readonly user: string; readonly database: string; readonly address: string; readonly connections: number; readonly maxConnections: number };

export interface BucketObservation {
  readonly name: string;
  readonly state: 'ok' | 'missing' | 'denied' | 'error';
  readonly detail?: string;
}
export type StorageObservation =
  | { readonly kind: 'unreachable'; readonly endpoint: string; readonly reason: string }
  | { readonly kind: 'answered'; readonly endpoint: string; readonly buckets: readonly BucketObservation[] };

/** Requests the edge answered in a window, from its access log. */
export interface EdgeWindow {
  readonly seconds: number;
  readonly requests: number;
  readonly errors5xx: number;
  readonly tooMany: number;
}
export interface EdgeObservation {
  readonly origin: string;
  /** `/health` through the edge: the status, or why there was none. */
  readonly health: { readonly status: number } | { readonly error: string };
  /** The error window (HighErrorRate's 5 min, from the running backend's start at the earliest). */
  readonly errors: EdgeWindow | { readonly error: string };
  /** The last minute, for 429s. */
  readonly recent: EdgeWindow | { readonly error: string };
}

export interface BackendObservation {
  readonly url: string;
  readonly ready: { readonly status: number; readonly failing: readonly string[] } | { readonly error: string };
  /** The blue-green/canary record (libs/deploy), when this host has one. */
  readonly deploy: { readonly kind: 'none' } | { readonly kind: 'state'; readonly serving?: string; readonly candidate?: string } | { readonly kind: 'invalid'; readonly error: string };
}

export interface FilesystemObservation {
  /** The path asked about (e.g. the Docker data root, where the volumes live). */
  readonly path: string;
  readonly mountpoint: string;
  readonly sizeBytes: number;
  readonly availableBytes: number;
}
export interface DiskObservation {
  readonly filesystems: readonly FilesystemObservation[];
  readonly maxUsedPercent: number;
}

/** One of the stack's containers as `docker stats` saw it: percent of one CPU (two busy cores = 200). */
export interface ContainerCpu {
  readonly name: string;
  readonly cpuPercent: number;
}
export interface HostObservation {
  /** The share of all CPUs' time not idle over the sampled interval (/proc/stat), 0–100. */
  readonly busyPercent: number;
  readonly cpus: number;
  readonly seconds: number;
  /** The stack's running containers, or why `docker stats` gave none. */
  readonly containers: readonly ContainerCpu[] | { readonly error: string };
  readonly maxBusyPercent: number;
}

/** A compose service's container: absent (its profile is not started) or its state. */
export type ContainerObservation = { readonly kind: 'absent' } | { readonly kind: 'present'; readonly state: string; readonly exitCode: number };

export interface TunnelObservation {
  readonly container: ContainerObservation;
  readonly metrics?: { readonly haConnections: number | undefined } | { readonly error: string };
}

export interface BackupObservation {
  readonly container: ContainerObservation;
  readonly metrics?: { readonly lastSuccessSeconds: number; readonly lastRunSuccess: number | undefined; readonly failures: number } | { readonly error: string };
  /** Seconds since the epoch when observed. */
  readonly now: number;
  /** BackupStale's age limit unless given. */
  readonly maxAgeSeconds: number;
}
