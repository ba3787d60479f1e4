/**
 * Where a backup lives. One backup is `<prefix>/<db>/<YYYY>/<MM>/<DD>/<stamp>.dump[.age]`, its manifest
 * `<…>/<stamp>.manifest.json` (written only after the dump object is complete: a dump without a manifest
 * is not a backup), its drill record `<…>/<stamp>.drill.json`; `<prefix>/<db>/latest.json` points at the
 * newest manifest and is written last.
 */

/** `20260105T031500Z`: sortable, no colons (safe in keys and file names). */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function dateOfStamp(stamp: string): Date {
  const match = STAMP.exec(stamp);
  if (match === null) throw new Error(`"${stamp}" is not a backup timestamp; expected e.g. 20260105T031500Z`);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

export function isStamp(text: string): boolean {
  return STAMP.test(text);
}

export function databaseRoot(prefix: string, database: string): string {
  return [prefix, database].filter((part) => part !== '').join('/');
}

export interface BackupKeys {
  readonly stamp: string;
  readonly dump: string;
  readonly manifest: string;
  readonly drill: string;
}

export function backupKeys(prefix: string, database: string, stamp: string, encrypted: boolean): BackupKeys {
  const date = dateOfStamp(stamp);
  const day = [String(date.getUTCFullYear()), String(date.getUTCMonth() + 1).padStart(2, '0'), String(date.getUTCDate()).padStart(2, '0')];
  const base = [databaseRoot(prefix, database), ...day, stamp].join('/');
  return { stamp, dump: `${base}.dump${encrypted ? '.age' : ''}`, manifest: `${base}.manifest.json`, drill: `${base}.drill.json` };
}

export function latestKey(prefix: string, database: string): string {
  return `${databaseRoot(prefix, database)}/latest.json`;
}

/** Recognises the objects of one backup under a database root: the stamp and which kind of object it is. */
export function parseBackupKey(key: string): { stamp: string; kind: 'dump' | 'manifest' | 'drill' } | undefined {
  const match = /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{8}T\d{6}Z)\.(dump|dump\.age|manifest\.json|drill\.json)$/.exec(key);
  if (match === null) return undefined;
  const stamp = match[4] ?? '';
  const suffix = match[5] ?? '';
  return { stamp, kind: suffix.startsWith('dump') ? 'dump' : suffix === 'manifest.json' ? 'manifest' : 'drill' };
}
