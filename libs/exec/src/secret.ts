import { inspect } from 'node:util';

export const REDACTED = '***';

/**
 * A value that must never be shown. Wrap it where it is read (env, file, prompt) and pass the wrapper
 * around: `String(secret)`, template literals, `JSON.stringify` and `console.log` all render `***`.
 * Only `reveal()` gives the value back, and `run()` calls it at the last moment.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function secret(value: string): Secret {
  return new Secret(value);
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** A value that may be a plain string or a wrapped secret. */
export type MaybeSecret = string | Secret;

export function revealValue(value: MaybeSecret): string {
  return typeof value === 'string' ? value : value.reveal();
}

/**
 * Returns a function that replaces every occurrence of every secret by `***`. Longer secrets are
 * replaced first so that a secret containing another one is not half-redacted. Short secrets (even one
 * character) are redacted too: a short password is still a password.
 */
export function createRedactor(secrets: Iterable<string>): (text: string) => string {
  const values = [...new Set([...secrets].filter((value) => value.length > 0))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const value of values) result = result.split(value).join(REDACTED);
    return result;
  };
}
