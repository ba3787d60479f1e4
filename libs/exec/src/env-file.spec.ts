import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvFileError, parseEnvFile, readEnvFile } from './env-file.ts';
import { thrown } from './testing.ts';

const failure = (fn: () => unknown): EnvFileError => thrown(fn, EnvFileError);

describe('parseEnvFile', () => {
  it('reads comments, blank lines, export, quotes, = in values, empty values and multi-line quoted values', () => {
    const text = '# c\nexport A=1\nB="two words"\nC=\'x=y\'\n\nD=plain # trailing comment\nE=\nF="first\nsecond"\nG="p#ss"\n';
    expect(parseEnvFile(text, 'x.env')).toEqual({ A: '1', B: 'two words', C: 'x=y', D: 'plain', E: '', F: 'first\nsecond', G: 'p#ss' });
  });

  it('does not interpolate: $OTHER stays as written', () => {
    expect(parseEnvFile('A=1\nB=$A-${A}\n', 'x.env')).toEqual({ A: '1', B: '$A-${A}' });
  });

  it('names the file and the line of what it would otherwise drop, never the line itself', () => {
    const error = failure(() => parseEnvFile('A=1\nhunter2-pasted-secret\nB=2\n', '/etc/satvach/backup.env'));
    expect(error.message).toContain('/etc/satvach/backup.env is not a valid env file');
    expect(error.problems).toEqual(['line 2: not KEY=value']);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses an unquoted # glued to a value (it would cut a password short), naming the key and the line', () => {
    const error = failure(() => parseEnvFile('OK=1\nPGPASSWORD=p#ssword\n', 'backup.env'));
    expect(error.problems).toEqual(['line 2: PGPASSWORD holds # without quotes, which would start a comment; quote the value']);
    expect(error.message).not.toContain('p#ssword');
  });

  it('names a quote that is never closed', () => {
    expect(failure(() => parseEnvFile('A="open\nB=2\n', 'x.env')).problems).toEqual(['a quoted value (") is never closed']);
  });
});

describe('readEnvFile', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads a file, and treats a missing one as empty only when asked', () => {
    dir = mkdtempSync(join(tmpdir(), 'env-file-'));
    writeFileSync(join(dir, '.env'), 'A=1\n');
    expect(readEnvFile(join(dir, '.env'))).toEqual({ A: '1' });
    expect(readEnvFile(join(dir, 'absent.env'), { missing: 'empty' })).toEqual({});
    expect(() => readEnvFile(join(dir!, 'absent.env'))).toThrow(/ENOENT/);
  });
});
