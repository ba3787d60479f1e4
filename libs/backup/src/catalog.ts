import { type BackupConfig } from './config.ts';
import { drillRecordSchema, latestSchema, manifestSchema, type DrillRecord, type LatestPointer, type Manifest } from './manifest.ts';
import { backupKeys, databaseRoot, dateOfStamp, isStamp, latestKey, parseBackupKey } from './naming.ts';
import { type BackupStore } from './store.ts';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export interface CatalogEntry {
  readonly stamp: string;
  readonly date: Date;
  /** The dump object's key, when present. */
  readonly dumpKey: string | undefined;
  readonly size: number | undefined;
  readonly encrypted: boolean;
  /** Has a manifest: a complete backup. A dump without one is a leftover of a failed run. */
  readonly complete: boolean;
  /** The last drill's result, when one ran. */
  readonly drill: DrillRecord | undefined;
  /** Every object of this backup, dump last (the deletion order). */
  readonly objects: readonly string[];
}

/** Where one backup is: per target (primary, replica), complete, a leftover dump, or absent. */
export type Presence = 'complete' | 'incomplete' | 'missing';

export interface TargetedEntry extends CatalogEntry {
  readonly targets: Readonly<Record<string, Presence>>;
}

/**
 * The backups across every target, oldest first: one line per timestamp found on any of them, the
 * facts from the first target that has it (the primary when it does), and its presence on each.
 */
export async function listAcross(config: BackupConfig, stores: readonly BackupStore[]): Promise<TargetedEntry[]> {
  const listings = await Promise.all(stores.map(async (store) => ({ target: store.config.target, entries: new Map((await listBackups(config, store)).map((entry) => [entry.stamp, entry])) })));
  const stamps = [...new Set(listings.flatMap((listing) => [...listing.entries.keys()]))].sort((a, b) => a.localeCompare(b));
  return stamps.map((stamp) => {
    const found = listings.map((listing) => listing.entries.get(stamp));
    const base = found.find((entry) => entry !== undefined) as CatalogEntry;
    const targets: Record<string, Presence> = {};
    for (const [index, listing] of listings.entries()) {
      const entry = found[index];
      targets[listing.target] = entry === undefined || entry.dumpKey === undefined ? 'missing' : entry.complete ? 'complete' : 'incomplete';
    }
    return { ...base, complete: found.every((entry) => entry?.complete === true), targets };
  });
}

/** Every backup of the configured database, oldest first, from one listing plus the drill records. */
export async function listBackups(config: BackupConfig, store: BackupStore): Promise<CatalogEntry[]> {
  const root = databaseRoot(store.config.prefix, config.database.database);
  const objects = await store.list(root);
  const groups = new Map<string, { dump?: { key: string; size: number }; manifest?: string; drill?: string }>();
  for (const object of objects) {
    const parsed = parseBackupKey(object.key);
    if (parsed === undefined) continue;
    const group = groups.get(parsed.stamp) ?? {};
    if (parsed.kind === 'dump') group.dump = { key: object.key, size: object.size };
    else if (parsed.kind === 'manifest') group.manifest = object.key;
    else group.drill = object.key;
    groups.set(parsed.stamp, group);
  }
  const entries: CatalogEntry[] = [];
  for (const [stamp, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const drillText = group.drill === undefined ? undefined : await store.getText(group.drill);
    const drill = drillText === undefined ? undefined : drillRecordSchema.safeParse(JSON.parse(drillText)).data;
    entries.push({
      stamp,
      date: dateOfStamp(stamp),
      dumpKey: group.dump?.key,
      size: group.dump?.size,
      encrypted: group.dump?.key.endsWith('.age') ?? false,
      complete: group.manifest !== undefined && group.dump !== undefined,
      drill,
      objects: [group.manifest, group.drill, group.dump?.key].filter((key): key is string => key !== undefined),
    });
  }
  return entries;
}

export async function readLatest(config: BackupConfig, store: BackupStore): Promise<LatestPointer | undefined> {
  const text = await store.getText(latestKey(store.config.prefix, config.database.database));
  return text === undefined ? undefined : latestSchema.parse(JSON.parse(text));
}

/** The manifest of the backup at `stamp`, or of the one `latest.json` points at. */
export async function findManifest(config: BackupConfig, store: BackupStore, stamp?: string): Promise<Manifest> {
  const where = `s3://${store.config.bucket}/${databaseRoot(store.config.prefix, config.database.database)}`;
  let manifestKey: string;
  if (stamp === undefined) {
    const latest = await readLatest(config, store);
    if (latest === undefined) throw new NotFoundError(`there is no backup of ${config.database.database} in ${where} yet (no latest.json): run a backup first`);
    manifestKey = latest.manifest;
  } else {
    if (!isStamp(stamp)) throw new NotFoundError(`"${stamp}" is not a backup timestamp; expected e.g. 20260105T031500Z (see backup-list)`);
    manifestKey = backupKeys(store.config.prefix, config.database.database, stamp, false).manifest;
  }
  const text = await store.getText(manifestKey);
  if (text === undefined) throw new NotFoundError(`no complete backup ${stamp ?? ''} in ${where} (${manifestKey} is missing): pick one from backup-list`);
  return manifestSchema.parse(JSON.parse(text));
}
