import { createHash } from 'node:crypto';
import { Duplex, type PassThrough, Readable, Transform, Writable } from 'node:stream';
import { Decrypter, Encrypter } from 'age-encryption';

/** Passes bytes through and reports each chunk's length (progress, sizes). */
export function meter(onBytes: (count: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

/**
 * Passes bytes through but ends only once `producer` has settled: when the producing process fails after
 * its stdout closed normally (pg_dump losing its connection), the stream errors instead of ending, so a
 * truncated dump can never complete an upload.
 */
export function endWhenSucceeded(producer: Promise<unknown>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk);
    },
    flush(callback) {
      producer.then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}

/** SHA-256 and byte count of everything that passes. */
export function digest(): { stream: Transform; result: () => { sha256: string; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  let hex: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: (hex ??= hash.digest('hex')), size }) };
}

/** age encryption to one recipient as a Node duplex (the STREAM format: 64 KiB chunks, flat memory). */
export async function ageEncrypt(recipient: string): Promise<Duplex> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const encrypted = await encrypter.encrypt(readable);
  return Duplex.fromWeb({ readable: encrypted, writable }, { objectMode: false });
}

/** Decrypts an age stream with the identity (AGE-SECRET-KEY-1…) from a key file; `#` comment lines are skipped. */
export async function ageDecrypt(source: Readable, identityText: string): Promise<Readable> {
  const decrypter = new Decrypter();
  const identities = identityText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (identities.length === 0) throw new Error('the age identity file holds no key (expected a line AGE-SECRET-KEY-1…)');
  for (const identity of identities) decrypter.addIdentity(identity);
  const decrypted = await decrypter.decrypt(Readable.toWeb(source) as ReadableStream<Uint8Array>);
  return Readable.fromWeb(decrypted as import('node:stream/web').ReadableStream<Uint8Array>);
}

/**
 * Writes every chunk to each branch, waiting for the slowest (flat memory: no branch runs ahead). A
 * branch that closes early (its upload failed) fails the fan-out, and destroying the fan-out destroys
 * every branch, so one failed target stops the others and the producer.
 */
export function fanOut(branches: readonly PassThrough[]): Writable {
  const closed = () => branches.find((branch) => branch.destroyed);
  const whenDrained = (branch: PassThrough) =>
    new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        branch.off('drain', onDrain);
        branch.off('close', onClose);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        reject(branch.errored ?? new Error('a fan-out branch closed before the end of the stream'));
      };
      branch.on('drain', onDrain);
      branch.on('close', onClose);
    });
  // A branch's error reaches its reader (the upload); this keeps one nobody reads any more from
  // crashing the process as an unhandled 'error' event.
  for (const branch of branches) branch.on('error', () => undefined);
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const early = closed();
      if (early !== undefined) {
        callback(early.errored ?? new Error('a fan-out branch closed before the end of the stream'));
        return;
      }
      const waits = branches.filter((branch) => !branch.write(chunk)).map(whenDrained);
      if (waits.length === 0) callback();
      else Promise.all(waits).then(() => callback(), callback);
    },
    final(callback) {
      for (const branch of branches) branch.end();
      callback();
    },
    destroy(error, callback) {
      // autoDestroy calls this after a clean finish too: the branches' readers are then still draining.
      if (error !== null) for (const branch of branches) branch.destroy(error);
      callback(error);
    },
  });
}
