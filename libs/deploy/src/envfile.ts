/**
 * The lines of a `docker create --env-file` file that docker would refuse, by line number only.
 * Docker's own messages quote the offending line (`no variable name on line '<line>'`, `variable
 * '<name>' contains whitespaces`, invalid UTF-8 as its bytes), and in a service's env file that line
 * is often a secret — a value continued on the next line, a pasted password. Checking first keeps it
 * out of every output; the rules are docker's (docker/cli pkg/kvfile, opts/envfile.go).
 */
export function envFileProblems(content: Buffer): string[] {
  const problems: string[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const lines = content.toString('latin1').split('\n');
  let offset = 0;
  lines.forEach((latin1Line, index) => {
    const bytes = content.subarray(offset, offset + latin1Line.length);
    offset += latin1Line.length + 1;
    const number = index + 1;
    let text: string;
    try {
      text = utf8.decode(bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes);
    } catch {
      problems.push(`line ${number}: not valid UTF-8`);
      return;
    }
    const line = (number === 1 ? text.replace(/^\uFEFF/, '') : text).trimStart();
    if (line === '' || line.startsWith('#')) return;
    const name = line.split('=', 1)[0] ?? '';
    if (name === '') problems.push(`line ${number}: no variable name before "="`);
    else if (/[ \t]/.test(name)) problems.push(`line ${number}: the variable name contains whitespace (each line is NAME=value; a value cannot continue on the next line)`);
  });
  return problems;
}
