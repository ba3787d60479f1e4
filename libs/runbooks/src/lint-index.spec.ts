import { describe, expect, it } from 'vitest';
import { lintIndex } from './lint-index.ts';

const index = (...rows: string[]) => ['# Runbooks', '', '| Area | Runbook | When |', '| --- | --- | --- |', ...rows, ''].join('\n');
const ROWS = ['| database | [DatabaseDown](database/DatabaseDown.md) | PostgreSQL down |', '| http | [HighErrorRate](http/HighErrorRate.md) | 5xx |'];
const RUNBOOKS = ['runbooks/database/DatabaseDown.md', 'runbooks/http/HighErrorRate.md'];

describe('lintIndex', () => {
  it('passes one row per runbook in area, then name order', () => {
    expect(lintIndex('README.md', index(...ROWS), RUNBOOKS)).toEqual([]);
  });

  it('names a runbook without a row, with the row to add', () => {
    expect(lintIndex('README.md', index(ROWS[0]!), RUNBOOKS)).toEqual([
      { file: 'README.md', line: 3, message: expect.stringContaining('runbooks/http/HighErrorRate.md has no row in the index: add `| http | [HighErrorRate](http/HighErrorRate.md) | <when> |`') },
    ]);
  });

  it('names rows out of order and rows whose link does not match their area and name', () => {
    expect(lintIndex('README.md', index(ROWS[1]!, ROWS[0]!), RUNBOOKS)[0]).toMatchObject({ line: 6, message: expect.stringContaining('out of order') });
    expect(lintIndex('README.md', index(ROWS[0]!, '| http | [HighErrorRate](http/Other.md) | x |'), RUNBOOKS.slice(0, 1))[0]).toMatchObject({ line: 6, message: expect.stringContaining('an index row must read') });
  });

  it('accepts an area guide\'s row anywhere', () => {
    expect(lintIndex('README.md', index(ROWS[0]!, '| deploy | [How deploys work](deploy/README.md) | before a deploy |', ROWS[1]!), RUNBOOKS)).toEqual([]);
  });

  it('asks for the table when there is none', () => {
    expect(lintIndex('README.md', '# Runbooks\n', [])[0]!.message).toContain('no index table');
  });
});
