import { z } from 'zod';

export const tableCountSchema = z.object({ schema: z.string(), table: z.string(), rows: z.number().int().nonnegative() });

/** One spatial column summarised by a spatial query at backup time, checked again after a restore. */
export const spatialCheckSchema = z.object({
  schema: z.string(),
  table: z.string(),
  column: z.string(),
  kind: z.enum(['geometry', 'geography']),
  rows: z.number().int().nonnegative(),
  extent: z.string().nullable(),
});

export const manifestSchema = z.object({
  format: z.literal('satvach-backup/1'),
  database: z.string(),
  stamp: z.string(),
  key: z.string(),
  encrypted: z.boolean(),
  /** age public key the dump was encrypted to. */
  recipient: z.string().nullable(),
  /** SHA-256 and size of the stored object (the ciphertext when encrypted). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  /** Size of the pg_dump -Fc output before encryption. */
  dumpSize: z.number().int().nonnegative(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  serverVersion: z.string(),
  postgisVersion: z.string().nullable(),
  tables: z.array(tableCountSchema),
  spatial: z.array(spatialCheckSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type TableCount = z.infer<typeof tableCountSchema>;
export type SpatialCheck = z.infer<typeof spatialCheckSchema>;

export const drillRecordSchema = z.object({
  format: z.literal('satvach-drill/1'),
  stamp: z.string(),
  at: z.string(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});

export type DrillRecord = z.infer<typeof drillRecordSchema>;

export const latestSchema = z.object({ stamp: z.string(), manifest: z.string(), key: z.string(), updatedAt: z.string() });
export type LatestPointer = z.infer<typeof latestSchema>;
