import type { Clock } from '@tidemark/core';

/**
 * Wait on the injected clock, cut short by an abort (a closing client must not sit out a
 * 10-second backoff).
 *
 * @param clock - time source
 * @param ms - how long
 * @param signal - ends the wait early when aborted
 * @returns true when the full time passed, false when the signal cut it short
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A promise that settles when `signal` aborts, for racing work that may ignore the signal
 * (an injected `fetch` that never looks at it must not hang `close()`).
 *
 * @param signal - the signal to watch
 * @returns resolves with the abort reason
 */
export function whenAborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}
