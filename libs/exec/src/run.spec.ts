import { readdirSync, readFileSync } from 'node:fs';
import { describe as suite, expect, it } from 'vitest';
import { describe, type Command } from './describe.ts';
import { CommandFailedError, CommandStartError } from './errors.ts';
import { run, type OutputSink, type StreamName } from './run.ts';
import { secret } from './secret.ts';
import { rejection } from './testing.ts';

const node = process.execPath;

function recordingSink(): OutputSink & { lines: [StreamName, string][] } {
  const lines: [StreamName, string][] = [];
  return { lines, write: (stream, line) => lines.push([stream, line]) };
}

function nodeScript(script: string, extra: Partial<Command> = {}): Command {
  return { file: node, args: ['-e', script], ...extra };
}

/** Pids of the running processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

suite('run: streaming and capture', () => {
  it('streams interleaved stdout/stderr lines to the sink in order and captures both', async () => {
    const sink = recordingSink();
    const seen: string[] = [];
    const script = `
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      (async () => {
        process.stdout.write('one\\n'); await sleep(30);
        process.stderr.write('two\\n'); await sleep(30);
        process.stdout.write('three\\nfour\\n'); await sleep(30);
        process.stderr.write('five');
      })();`;
    const result = await run(nodeScript(script), { sink, onLine: (stream, line) => seen.push(`${stream}:${line}`) });

    expect(sink.lines).toEqual([
      ['stdout', 'one'],
      ['stderr', 'two'],
      ['stdout', 'three'],
      ['stdout', 'four'],
      ['stderr', 'five'],
    ]);
    expect(seen).toEqual(['stdout:one', 'stderr:two', 'stdout:three', 'stdout:four', 'stderr:five']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('one\nthree\nfour');
    expect(result.stderr).toBe('two\nfive');
  });

  it('durationMs covers the child\'s whole life, as the child itself measured it', async () => {
    // The child reports its own uptime just before exiting; it started after run() began timing and
    // exits before run() stops, so durationMs can only be larger — however slow the machine is.
    const result = await run(nodeScript('setTimeout(() => process.stdout.write(String(Math.floor(performance.now()))), 50)'), { quiet: true });
    const childUptimeMs = Number(result.stdout);
    if (Number.isNaN(childUptimeMs)) throw new Error(`the child printed ${JSON.stringify(result.stdout)}, not its uptime`);
    expect(childUptimeMs).toBeGreaterThanOrEqual(50);
    expect(result.durationMs).toBeGreaterThanOrEqual(childUptimeMs);
  });

  it('quiet captures without writing to the sink but still calls onLine', async () => {
    const sink = recordingSink();
    const seen: string[] = [];
    const result = await run(
      { file: 'sh', args: ['-c', 'echo out; echo err >&2'] },
      { sink, quiet: true, onLine: (_stream, line) => seen.push(line) },
    );
    expect(sink.lines).toEqual([]);
    expect(seen.sort()).toEqual(['err', 'out']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'out', stderr: 'err' });
  });

  it('runs in cwd and adds env to the inherited environment', async () => {
    const result = await run(
      { file: 'sh', args: ['-c', 'pwd; echo "$SATVACH_TEST_VAR"; test -n "$PATH" && echo has-path'], cwd: '/tmp', env: { SATVACH_TEST_VAR: 'hello' } },
      { quiet: true },
    );
    expect(result.stdout.split('\n')).toEqual(['/tmp', 'hello', 'has-path']);
  });

  it('does not use a shell: metacharacters in args reach the program verbatim', async () => {
    const result = await run(nodeScript('console.log(process.argv[1])', { args: ['-e', 'console.log(process.argv[1])', '$(echo hi); rm -rf /'] }), { quiet: true });
    expect(result.stdout).toBe('$(echo hi); rm -rf /');
  });
});

suite('run: failures', () => {
  it('a non-zero exit throws CommandFailedError naming the command, the exit code and the stderr tail', async () => {
    const script = `for (let i = 1; i <= 30; i++) console.error('line ' + i); process.exit(3)`;
    const error = await rejection(run(nodeScript(script), { quiet: true }));

    expect(error).toBeInstanceOf(CommandFailedError);
    const failed = error as CommandFailedError;
    expect(failed.exitCode).toBe(3);
    expect(failed.reason).toBe('exit');
    expect(failed.message).toContain(`command failed with exit code 3: ${node} -e `);
    expect(failed.message).toContain('--- last 20 lines of stderr ---\nline 11\n');
    expect(failed.message).toMatch(/line 30$/);
    expect(failed.message).not.toContain('line 10\n');
    expect(failed.stderr.split('\n')).toHaveLength(30);
  });

  it('a missing program throws CommandStartError saying it is not installed or not on PATH', async () => {
    const error = await rejection(run({ file: 'satvach-no-such-program', args: ['--version'] }, { quiet: true }));
    expect(error).toBeInstanceOf(CommandStartError);
    expect((error as CommandStartError).code).toBe('ENOENT');
    expect((error as Error).message).toBe(
      'cannot start "satvach-no-such-program": the program is not installed or not on PATH (command: satvach-no-such-program --version)',
    );
  });

  it('a missing working directory is reported as such, not as a missing program', async () => {
    const error = await rejection(run({ file: 'sh', args: ['-c', 'true'], cwd: '/tmp/satvach-no-such-dir' }, { quiet: true }));
    expect((error as Error).message).toContain('the working directory /tmp/satvach-no-such-dir does not exist');
  });

  it('timeoutMs kills a child that runs too long', async () => {
    // The child would sleep for 10 minutes; once run() rejects, no process with its marker is left.
    // Found by its argv, not by a printed pid: on a loaded machine it may be killed before printing.
    const marker = `satvach-timeout-child-${process.pid}-${Date.now()}`;
    const error = await rejection(run(nodeScript('setTimeout(() => {}, 600_000)', { args: ['-e', 'setTimeout(() => {}, 600_000)', marker] }), { quiet: true, timeoutMs: 200 }));
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(processesWith(marker)).toEqual([]);
    expect((error as CommandFailedError).reason).toBe('timeout');
    expect((error as Error).message).toContain('command timed out after 200 ms and was killed');
  });

  it('an aborted signal cancels the child', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(run(nodeScript('setTimeout(() => {}, 20000)'), { quiet: true, signal: controller.signal }));
    expect((error as CommandFailedError).reason).toBe('canceled');
  });
});

suite('run: stdin and secrets', () => {
  it('delivers input on stdin and closes it', async () => {
    const script = `let s=''; process.stdin.on('data', (d) => s += d).on('end', () => console.log('got ' + s.length + ' bytes: ' + s.toUpperCase()))`;
    const result = await run(nodeScript(script, { input: 'payload-from-parent' }), { quiet: true });
    expect(result.stdout).toBe('got 19 bytes: PAYLOAD-FROM-PARENT');
  });

  it('without input, stdin is closed: a reader does not hang', async () => {
    const script = `process.stdin.on('data', () => {}).on('end', () => console.log('eof'))`;
    const result = await run(nodeScript(script), { quiet: true, timeoutMs: 5000 });
    expect(result.stdout).toBe('eof');
  });

  it('a secret in argv and printed by the child never appears in sink, capture, error or describe()', async () => {
    const token = 'tok-9f8e7d6c';
    const sink = recordingSink();
    const command: Command = {
      file: node,
      args: ['-e', `console.log('token is ' + process.argv[1]); console.error('bad ' + process.argv[1]); process.exit(4)`, token],
      secrets: [token],
    };
    const error = (await rejection(run(command, { sink }))) as CommandFailedError;

    const everything = [JSON.stringify(sink.lines), error.message, error.stdout, error.stderr, error.command, describe(command)].join('\n');
    expect(everything).not.toContain(token);
    expect(sink.lines).toEqual([
      ['stdout', 'token is ***'],
      ['stderr', 'bad ***'],
    ]);
    expect(error.stderr).toBe('bad ***');
    expect(describe(command)).toMatch(/ \*\*\*$/);
  });

  it('a password sent on stdin is redacted wherever the child echoes it, even when short', async () => {
    const sink = recordingSink();
    const script = `let s=''; process.stdin.on('data', (d) => s += d).on('end', () => console.log('login with [' + s.trim() + ']'))`;
    const result = await run(nodeScript(script, { input: 'pw1\n' }), { sink });
    expect(result.stdout).toBe('login with [***]');
    expect(sink.lines).toEqual([['stdout', 'login with [***]']]);
  });

  it('Secret arguments and env values are revealed to the child only', async () => {
    const sink = recordingSink();
    const command: Command = {
      file: 'sh',
      args: ['-c', 'echo "arg=$1 env=$API_TOKEN"', 'sh', secret('s3cr3t-arg')],
      env: { API_TOKEN: secret('s3cr3t-env') },
    };
    const result = await run(command, { sink });
    expect(result.stdout).toBe('arg=*** env=***');
    expect(describe(command)).toBe(`API_TOKEN=*** sh -c 'echo "arg=$1 env=$API_TOKEN"' sh ***`);
  });

  it('rawStdout returns stdout with its secrets for the caller to store, and redacts everything else', async () => {
    const sink = recordingSink();
    const command = nodeScript(`console.log('password: ' + process.env.PW); console.error('using ' + process.env.PW)`, { env: { PW: secret('raw-pw-123') } });
    const result = await run(command, { sink, rawStdout: true });
    expect(result.stdout).toBe('password: raw-pw-123');
    expect(result.stderr).toBe('using ***');
    expect(sink.lines).toEqual([
      ['stdout', 'password: ***'],
      ['stderr', 'using ***'],
    ]);
  });

  it('rawStdout still redacts the stdout a failed command carries in its error', async () => {
    const command = nodeScript(`console.log('rendered with ' + process.env.PW); console.error('bad file, pw ' + process.env.PW); process.exit(1)`, { env: { PW: secret('raw-pw-456') } });
    const error = (await rejection(run(command, { quiet: true, rawStdout: true }))) as CommandFailedError;
    expect([error.message, error.stdout, error.stderr, error.command].join('\n')).not.toContain('raw-pw-456');
    expect(error.stdout).toBe('rendered with ***');
  });
});
