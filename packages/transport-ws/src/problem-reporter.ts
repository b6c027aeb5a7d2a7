import type { TidemarkError } from '@tidemark/core';

/**
 * The distinct problems the app hears about through `onError`:
 * - `network`: the socket dropped; told again only after it was open once more.
 * - `unauthorized`: the collector refused the app ID or write key; told again only after a new key.
 * - `server-error`: the collector answered `{ error }` to a frame it could not read.
 * - `malformed`: the collector sent a message that is not one of the protocol's.
 * - `encode`: an event (or the app's encoder) could not be serialized.
 */
export type Problem = 'network' | 'unauthorized' | 'server-error' | 'malformed' | 'encode';

/**
 * Tells the app about each distinct problem once, until it is cleared: a collector down for
 * an hour would otherwise call `onError` for every event and every reconnection attempt.
 *
 * @example
 * const problems = new ProblemReporter(console.warn);
 * problems.tell('network', error); // warns
 * problems.tell('network', error); // silent
 * problems.clear('network'); // the socket opened: the next drop is news
 */
export class ProblemReporter {
  #told = new Set<Problem>();
  #onError: ((error: TidemarkError) => void) | undefined;

  /** @param onError - the app's listener, if it gave one */
  constructor(onError: ((error: TidemarkError) => void) | undefined) {
    this.#onError = onError;
  }

  /**
   * Tell the app about `error`, unless `problem` was told and not cleared since.
   *
   * @param problem - which problem this is
   * @param error - what the app hears
   */
  tell(problem: Problem, error: TidemarkError): void {
    if (this.#told.has(problem)) return;
    this.#told.add(problem);
    try {
      this.#onError?.(error);
    } catch {
      // The app's error listener must not break delivery.
    }
  }

  /**
   * Let `problem` be told again: it was resolved (the socket opened, the key changed).
   *
   * @param problem - the problem that went away
   */
  clear(problem: Problem): void {
    this.#told.delete(problem);
  }
}
