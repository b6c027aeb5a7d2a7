import type { Logger } from '@tidemark/protocol';

export type { Logger } from '@tidemark/protocol';

/**
 * The default logger of the library: quiet about routine work, loud about problems.
 *
 * @returns a logger that drops `info` and writes `warn`/`error` to `console.warn`/`console.error`
 */
export function quietLogger(): Logger {
  return {
    info() {},
    warn: (message, fields) => console.warn(`tidemark-collector: ${message}`, fields ?? ''),
    error: (message, fields) => console.error(`tidemark-collector: ${message}`, fields ?? ''),
  };
}

/**
 * A logger that writes every level to the console, for the CLI.
 *
 * @returns a logger writing `info` to `console.log`, the rest to `console.warn`/`console.error`
 */
export function consoleLogger(): Logger {
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields && Object.keys(fields).length ? `${message} ${JSON.stringify(fields)}` : message;
  return {
    info: (message, fields) => console.log(line(message, fields)),
    warn: (message, fields) => console.warn(`warning: ${line(message, fields)}`),
    error: (message, fields) => console.error(`error: ${line(message, fields)}`),
  };
}
