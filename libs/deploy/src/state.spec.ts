import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DeployState, DeployStateError, emptyState, isReleaseName, loadState, RELEASE_NAME_PATTERN, saveState } from './state.ts';

const now = new Date('2026-11-28T12:00:00Z');
const release = (colour: 'blue' | 'green', n: number) => ({ colour, image: `backend:v${n}`, imageId: `sha256:${String(n).repeat(64)}`, release: `v${n}`, startedAt: now.toISOString() });

describe('deploy state record', () => {
  it('a host never deployed to has an empty state', () => {
    expect(loadState('/no/such/state.json', now)).toEqual(emptyState(now));
  });

  it('round-trips through an atomic write and keeps the replaced record as .bak', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-state-')), 'state.json');
    const first: DeployState = { ...emptyState(now), serving: release('blue', 1) };
    saveState(file, first, now);
    const second = { ...first, serving: release('green', 2), previous: release('blue', 1) };
    saveState(file, second, now);
    expect(loadState(file, now)).toEqual(second);
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).serving.release).toBe('v1');
  });

  it('a hand-edited record is refused with the key, the file and the way back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-state-')), 'state.json');
    saveState(file, { ...emptyState(now), serving: release('blue', 1) }, now);
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.serving.imageId = 'latest';
    edited.previous = release('blue', 3);
    writeFileSync(file, JSON.stringify(edited));
    expect(() => loadState(file, now)).toThrow(DeployStateError);
    expect(() => loadState(file, now)).toThrow(/serving\.imageId: must be sha256/);
    expect(() => loadState(file, now)).toThrow(/serving and previous cannot share a colour/);
    expect(() => loadState(file, now)).toThrow(new RegExp(`restore ${file}\\.bak.*traffic is unchanged`));
    writeFileSync(file, '{"version": 1,');
    expect(() => loadState(file, now)).toThrow(/is not valid JSON/);
  });

  it('a release name the backend would refuse is named under its key in a hand-edited record', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-state-')), 'state.json');
    saveState(file, { ...emptyState(now), serving: release('blue', 1) }, now);
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.serving.release = 'v1; rm -rf /';
    writeFileSync(file, JSON.stringify(edited));
    expect(() => loadState(file, now)).toThrow(/serving\.release: must be a release name: 1 to 128 of A-Z a-z 0-9 \. _ : @ \/ \+ -/);
  });

  it('keeps the last 50 events', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-state-')), 'state.json');
    const history = Array.from({ length: 60 }, (_, i) => ({ at: now.toISOString(), action: 'deployed' as const, release: `v${i}`, detail: '' }));
    expect(saveState(file, { ...emptyState(now), history }, now).history).toHaveLength(50);
    expect(loadState(file, now).history[0]?.release).toBe('v10');
  });
});

describe('release names', () => {
  it.each(['v1.2.3', 'ghcr.io/satvach/backend:sha-1a2b3c4', 'backend@sha256:abc', 'x'.repeat(128)])('accepts %s', (name) => expect(isReleaseName(name)).toBe(true));
  it.each(['', 'x'.repeat(129), 'has space', 'semi;colon', 'new\nline'])('refuses %j', (name) => expect(isReleaseName(name)).toBe(false));

  it('is the pattern the backend checks SATVACH_RELEASE with (apps/backend settings.py), so no deploy starts a release the backend refuses', () => {
    const settings = readFileSync(new URL('../../../apps/backend/src/satvach/settings.py', import.meta.url), 'utf8');
    const release = /release: str = Field\([^)]*?pattern=r"([^"]+)"/s.exec(settings);
    expect(release?.[1]).toBe(RELEASE_NAME_PATTERN);
  });
});
