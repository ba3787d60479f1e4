import { describe, expect, it } from 'vitest';
import { parseRunbook } from './document.ts';
import { lintTargets, projectTargetsFromGraphFile } from './lint-targets.ts';
import { FIXTURE_GRAPH } from './testing/fixtures.ts';

const lint = (text: string) => lintTargets(parseRunbook('runbooks/a/B.md', text), FIXTURE_GRAPH);

describe('lintTargets', () => {
  it('accepts targets that exist, in commands and in prose, with a configuration', () => {
    expect(lint('```console\n$ npx nx run stack:diagnose --check=db\n```\nthen `nx run stack:up:production`')).toEqual([]);
  });

  it('names a project that does not exist', () => {
    expect(lint('line\n$ npx nx run stak:up')).toEqual([{ file: 'runbooks/a/B.md', line: 2, message: expect.stringContaining('there is no project `stak`') }]);
  });

  it('names a missing target and lists the ones there are', () => {
    expect(lint('`nx run runbooks:on-call`')[0]!.message).toBe('`nx run runbooks:on-call`: project runbooks has no target `on-call` (it has: lint, oncall)');
  });
});

describe('projectTargetsFromGraphFile', () => {
  it('reads each project\'s targets from `nx graph --file` output', () => {
    const graph = projectTargetsFromGraphFile({ graph: { nodes: { stack: { name: 'stack', data: { targets: { up: {}, diagnose: {} } } }, docs: { data: {} } } } });
    expect(graph).toEqual(new Map([['stack', new Set(['up', 'diagnose'])], ['docs', new Set()]]));
  });

  it('refuses a file that is not a graph', () => {
    expect(() => projectTargetsFromGraphFile({ nodes: {} })).toThrow(/npx nx graph --file/);
  });
});
