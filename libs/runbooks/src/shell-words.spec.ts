import { describe, expect, it } from 'vitest';
import { simpleCommands } from './shell-words.ts';

describe('simpleCommands', () => {
  it('splits at pipes and lists, keeping redirections and quoted operators inside words', () => {
    expect(simpleCommands(`docker logs edge 2>&1 | jq -r '.status | tostring' && sort; uniq -c || true`)).toEqual([
      ['docker', 'logs', 'edge', '2>&1'],
      ['jq', '-r', '.status | tostring'],
      ['sort'],
      ['uniq', '-c'],
      ['true'],
    ]);
  });

  it('keeps a command substitution in its word and drops a trailing comment', () => {
    expect(simpleCommands('echo "now: $(date +%s | cat)" # why')).toEqual([['echo', 'now: $(date +%s | cat)']]);
  });

  it('unquotes escapes and double quotes', () => {
    expect(simpleCommands(`grep "a \\"b\\"" x\\ y`)).toEqual([['grep', 'a "b"', 'x y']]);
  });
});
