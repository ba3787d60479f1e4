import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { COLOURS } from './config.ts';

/**
 * What the backend accepts as SATVACH_RELEASE (apps/backend settings.py holds the same pattern; a test
 * compares them); it also lands in the upstream file's comment and the state file.
 */
export const RELEASE_NAME_PATTERN = '^[A-Za-z0-9._:@/+-]{1,128}$';
export function isReleaseName(value: string): boolean {
  return new RegExp(RELEASE_NAME_PATTERN).test(value);
}
const releaseName = z.string().refine(isReleaseName, 'must be a release name: 1 to 128 of A-Z a-z 0-9 . _ : @ / + -');

const ReleaseSchema = z.strictObject({
  colour: z.enum(COLOURS),
  /** The reference the operator gave (tag or digest). */
  image: z.string().min(1),
  /** The image id that runs: `sha256:…`, so a moved tag cannot change what rollback returns to. */
  imageId: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>'),
  /** Registry digest (`name@sha256:…`) when the image came from a registry. */
  digest: z.string().optional(),
  release: releaseName,
  startedAt: z.iso.datetime(),
});

const CandidateSchema = ReleaseSchema.extend({
  strategy: z.enum(['blue-green', 'canary']),
  /** Share of traffic (percent) the candidate has now. */
  weight: z.number().int().min(0).max(100),
});

const EventSchema = z.strictObject({
  at: z.iso.datetime(),
  action: z.enum(['deployed', 'promoted', 'rolled-back', 'aborted']),
  release: releaseName,
  detail: z.string(),
});

export const DeployStateSchema = z
  .strictObject({
    version: z.literal(1),
    serving: ReleaseSchema.nullable(),
    previous: ReleaseSchema.nullable(),
    candidate: CandidateSchema.nullable(),
    updatedAt: z.iso.datetime(),
    history: z.array(EventSchema),
  })
  .check((ctx) => {
    const { serving, previous, candidate } = ctx.value;
    const clash = (a: string, b: string) => ctx.issues.push({ code: 'custom', input: ctx.value, message: `${a} and ${b} cannot share a colour` });
    if (serving && previous && serving.colour === previous.colour) clash('serving', 'previous');
    if (serving && candidate && serving.colour === candidate.colour) clash('serving', 'candidate');
  });

export type Release = z.infer<typeof ReleaseSchema>;
export type Candidate = z.infer<typeof CandidateSchema>;
export type DeployEvent = z.infer<typeof EventSchema>;
export type DeployState = z.infer<typeof DeployStateSchema>;

const HISTORY_KEPT = 50;

export class DeployStateError extends Error {
  override name = 'DeployStateError';
}

export function emptyState(now: Date): DeployState {
  return { version: 1, serving: null, previous: null, candidate: null, updatedAt: now.toISOString(), history: [] };
}

/** The state record, validated; a missing file is a host that has never been deployed to. */
export function loadState(file: string, now: Date): DeployState {
  if (!existsSync(file)) return emptyState(now);
  const hint = `fix it, or restore ${file}.bak (the state before the last change); traffic is unchanged`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeployStateError(`the deploy state ${file} is not valid JSON (${(error as Error).message}): ${hint}`);
  }
  const parsed = DeployStateSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new DeployStateError(`the deploy state ${file} is invalid (${problems.join('; ')}): ${hint}`);
  }
  return parsed.data;
}

/** Writes atomically (temp file + rename), keeping the replaced record as `<file>.bak`. */
export function saveState(file: string, state: DeployState, now: Date): DeployState {
  const next = { ...state, updatedAt: now.toISOString(), history: state.history.slice(-HISTORY_KEPT) };
  DeployStateSchema.parse(next);
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) writeFileSync(`${file}.bak`, readFileSync(file));
  writeFileSync(`${file}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return next;
}

/** The candidate as the serving release it becomes on promotion. */
export function releaseOfCandidate(candidate: Candidate): Release {
  const { strategy: _strategy, weight: _weight, ...release } = candidate;
  return release;
}

export function withEvent(state: DeployState, event: DeployEvent): DeployState {
  return { ...state, history: [...state.history, event] };
}
