/**
 * The one logging shape of the libraries: they say what happens, the caller decides where it goes
 * (Nx's logger in executors, stderr in the backup container, a list in tests).
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Log lines on stderr, stamped with the time when not on a terminal (container logs). */
export function consoleLogger(stream: NodeJS.WriteStream = process.stderr): Logger {
  const line = (level: string, message: string) => {
    const prefix = stream.isTTY === true ? '' : `${new Date().toISOString()} ${level} `;
    stream.write(`${prefix}${message}\n`);
  };
  return { info: (message) => line('info', message), warn: (message) => line('warn', message), error: (message) => line('error', message) };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
