import { type AddressInfo, createServer } from 'node:net';
import { pollUntil } from './poll.ts';

/** The error a promise that must fail rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * The error a call that must throw throws — of `type` when one is given; fails the test when the call
 * returns or throws something else.
 */
export function thrown<E extends Error = Error>(call: () => unknown, type?: abstract new (...args: never[]) => E): E {
  try {
    call();
  } catch (error) {
    if (type === undefined || error instanceof type) return error as E;
    throw new Error(`expected a ${type.name}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected ${type === undefined ? 'an error' : `a ${type.name}`}, but the call returned`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for a test server to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it gives a value (a probe that throws counts as not yet); the error names what was awaited. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const value = await pollUntil(() => probe().catch(() => undefined), { timeoutMs, intervalMs });
  if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return value;
}
