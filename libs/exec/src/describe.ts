import { createRedactor, isSecret, REDACTED, revealValue, type MaybeSecret, type Secret } from './secret.ts';

/** One process to start: a program and its arguments, never a shell string. */
export interface Command {
  readonly file: string;
  readonly args: readonly MaybeSecret[];
  /** Added to (not replacing) the parent's environment. */
  readonly env?: Readonly<Record<string, MaybeSecret>>;
  readonly cwd?: string;
  /** Written to the child's stdin, then stdin is closed. Its text is redacted like a secret. */
  readonly input?: string | Buffer | Secret;
  /** Values to replace by `***` everywhere this command is shown: argv, output, errors. */
  readonly secrets?: readonly MaybeSecret[];
}

/** Inputs larger than this are data (an archive, a dump), not a password: they are not redacted. */
const MAX_REDACTED_INPUT_BYTES = 64 * 1024;

/** Every value of `command` that must not be shown, revealed, for the redactor. */
export function secretValues(command: Command): string[] {
  const values: string[] = [];
  for (const value of command.secrets ?? []) values.push(revealValue(value));
  for (const arg of command.args) if (isSecret(arg)) values.push(arg.reveal());
  for (const value of Object.values(command.env ?? {})) if (isSecret(value)) values.push(value.reveal());
  const input = command.input;
  if (input !== undefined) {
    const text = isSecret(input)
      ? input.reveal()
      : typeof input === 'string'
        ? input
        : input.length <= MAX_REDACTED_INPUT_BYTES
          ? input.toString('utf8')
          : '';
    if (Buffer.byteLength(text) <= MAX_REDACTED_INPUT_BYTES) {
      // `printf 'pw\n' | docker login --password-stdin`: the password is the line, not the line + newline.
      values.push(text, text.trim(), ...text.split(/\r?\n/).map((line) => line.trim()));
    }
  }
  return values.filter((value) => value.length > 0);
}

export function redactorFor(command: Command): (text: string) => string {
  return createRedactor(secretValues(command));
}

const SAFE_WORD = /^[A-Za-z0-9_\-./:=@%+,]+$/;

/** Quotes one word for a POSIX shell, so a logged command can be pasted back. */
export function shellQuote(word: string): string {
  if (word === REDACTED) return word;
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Renders a command for logs: `ENV=value program arg…`, shell-quoted, with every secret as `***`.
 * Only the variables the command adds are shown, not the inherited environment.
 */
export function describe(command: Command): string {
  const redact = redactorFor(command);
  const render = (value: MaybeSecret): string => (isSecret(value) ? REDACTED : shellQuote(redact(value)));
  const env = Object.entries(command.env ?? {}).map(([key, value]) => `${key}=${render(value)}`);
  return [...env, render(command.file), ...command.args.map(render)].join(' ');
}
