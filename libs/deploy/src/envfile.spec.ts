import { describe, expect, it } from 'vitest';
import { envFileProblems } from './envfile.ts';

const secret = 'correct horse battery staple';
const problems = (text: string | Buffer) => envFileProblems(Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('env file lines docker --env-file refuses', () => {
  it('accepts what docker accepts: NAME=value, comments, blank and indented lines, a bare name, CRLF, a BOM, = in values', () => {
    expect(problems(`\uFEFFA=1\r\n# a comment\n\n  B=two words \nC=x=y\nPASSED_THROUGH\nD=\n`)).toEqual([]);
  });

  it('names the line of each problem and never shows its content', () => {
    const found = problems(`A=1\n=${secret}\n${secret}\nKEY WITH SPACE=${secret}\n`);
    expect(found).toEqual([
      'line 2: no variable name before "="',
      'line 3: the variable name contains whitespace (each line is NAME=value; a value cannot continue on the next line)',
      'line 4: the variable name contains whitespace (each line is NAME=value; a value cannot continue on the next line)',
    ]);
    expect(found.join('\n')).not.toMatch(/horse|KEY/);
  });

  it('invalid UTF-8 (docker prints its bytes) is named by line', () => {
    const found = problems(Buffer.concat([Buffer.from('A=1\nB=pa'), Buffer.from([0xff, 0xfe]), Buffer.from('ss\nC=3\n')]));
    expect(found).toEqual(['line 2: not valid UTF-8']);
  });
});
