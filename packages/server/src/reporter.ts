import { TidemarkError } from '@tidemark/core';
import { sayOnce, type Logger } from '@tidemark/protocol';

/**
 * Where problems after set-up go: the app's `onError` (every occurrence, for its metrics) and,
 * with `debug`, the logger (each distinct problem once, so a flood of bad calls is one line).
 * Neither path can throw into the caller.
 */
export class Reporter {
  readonly #onError: ((error: TidemarkError) => void) | undefined;
  readonly #logger: Logger | undefined;
  readonly #warnOnce: (key: string, line: string) => void;

  /**
   * @param onError - the app's callback, if any
   * @param logger - where debug lines go; undefined when `debug` is off
   */
  constructor(onError: ((error: TidemarkError) => void) | undefined, logger: Logger | undefined) {
    this.#onError = onError;
    this.#logger = logger;
    this.#warnOnce = sayOnce((line: string) => logger?.warn(line));
  }

  /** Whether debug logging is on. */
  get debug(): boolean {
    return this.#logger !== undefined;
  }

  /**
   * Report a problem.
   *
   * @param error - what went wrong
   * @param key - what makes it distinct for the once-only log line @default `code: message`
   */
  report(error: TidemarkError, key = `${error.code}: ${error.message}`): void {
    try {
      this.#onError?.(error);
    } catch {
      // The app's own handler failed; the client carries on.
    }
    if (this.#logger) this.#warnOnce(key, `tidemark: ${error.code}: ${error.message}`);
  }

  /**
   * Warn through the debug logger, once per `key` (a problem that is not an error of the
   * app's input, such as dropped events).
   *
   * @param message - the line, without the `tidemark:` prefix
   * @param key - what makes it distinct
   */
  warn(message: string, key: string): void {
    if (this.#logger) this.#warnOnce(key, `tidemark: ${message}`);
  }

  /**
   * Log a debug line (only with `debug`).
   *
   * @param message - the line, without the `tidemark:` prefix
   */
  log(message: string): void {
    try {
      this.#logger?.info(`tidemark: ${message}`);
    } catch {
      // A broken logger must not break tracking.
    }
  }
}

/**
 * Any thrown value as a TidemarkError (builders throw TidemarkError; anything else is a bug
 * in input we did not foresee, reported rather than thrown into the app).
 *
 * @param error - what was caught
 * @returns a TidemarkError with code `invalid_event` unless it already was one
 */
export function asTidemarkError(error: unknown): TidemarkError {
  if (error instanceof TidemarkError) return error;
  return new TidemarkError('invalid_event', `the call could not be turned into an event (${error instanceof Error ? error.name : typeof error})`, error);
}
