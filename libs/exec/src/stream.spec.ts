import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe as suite, expect, it } from 'vitest';
import { CommandFailedError, CommandStartError } from './errors.ts';
import { type OutputSink, type StreamName } from './run.ts';
import { secret } from './secret.ts';
import { spawnStream } from './stream.ts';
import { rejection } from './testing.ts';

const node = process.execPath;

function recordingSink(): OutputSink & { lines: [StreamName, string][] } {
  const lines: [StreamName, string][] = [];
  return { lines, write: (stream, line) => lines.push([stream, line]) };
}

function hashingSink() {
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback();
    },
  });
  return { sink, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

suite('spawnStream', () => {
  it('hands over binary stdout byte for byte while stderr goes, redacted, to the sink', async () => {
    // 8 MiB of every byte value, written in uneven chunks: no encoding may touch it.
    const script = `const b = Buffer.alloc(8 * 1024 * 1024); for (let i = 0; i < b.length; i++) b[i] = (i * 7) % 256;
      console.error('using ' + process.env.DUMP_PASSWORD);
      let o = 0; const step = () => { while (o < b.length) { const n = Math.min(70001, b.length - o); const ok = process.stdout.write(b.subarray(o, o + n)); o += n; if (!ok) return process.stdout.once('drain', step); } }; step();`;
    const expected = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) % 256;
    const sink = recordingSink();
    const child = spawnStream({ file: node, args: ['-e', script], env: { DUMP_PASSWORD: secret('hunter22') } }, { sink });
    const { sink: out, result } = hashingSink();
    await pipeline(child.stdout, out);
    const done = await child.done;

    expect(result()).toEqual({ bytes: expected.length, sha256: createHash('sha256').update(expected).digest('hex') });
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toBe('using ***');
    expect(sink.lines).toEqual([['stderr', 'using ***']]);
  });

  it('stdin: true gives a writable stdin that reaches the child', async () => {
    const child = spawnStream(
      { file: node, args: ['-e', `let n = 0; process.stdin.on('data', (d) => n += d.length).on('end', () => process.stdout.write(String(n)))`] },
      { stdin: true, quiet: true },
    );
    child.stdin?.end(Buffer.alloc(300_000, 1));
    const chunks: Buffer[] = [];
    for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
    await child.done;
    expect(Buffer.concat(chunks).toString()).toBe('300000');
  });

  it('a non-zero exit after partial output rejects done with the stderr tail, secrets redacted', async () => {
    const child = spawnStream(
      { file: node, args: ['-e', `process.stdout.write('partial'); console.error('lost connection for ' + process.argv[1]); process.exit(1)`, secret('pw-xyz')] },
      { quiet: true },
    );
    const chunks: Buffer[] = [];
    for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
    const error = await rejection(child.done);

    expect(Buffer.concat(chunks).toString()).toBe('partial');
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).exitCode).toBe(1);
    expect((error as Error).message).toContain('lost connection for ***');
    expect((error as Error).message).not.toContain('pw-xyz');
  });

  it('cancel() stops the child and done rejects as canceled', async () => {
    const child = spawnStream({ file: node, args: ['-e', 'setInterval(() => process.stdout.write("x"), 10)'] }, { quiet: true });
    child.stdout.resume();
    setTimeout(() => child.cancel(), 100);
    const error = await rejection(child.done);
    expect((error as CommandFailedError).reason).toBe('canceled');
  });

  it('a missing program rejects done with CommandStartError', async () => {
    const child = spawnStream({ file: 'satvach-no-such-program', args: [] }, { quiet: true });
    child.stdout.resume();
    const error = await rejection(child.done);
    expect(error).toBeInstanceOf(CommandStartError);
    expect((error as CommandStartError).code).toBe('ENOENT');
  });
});
