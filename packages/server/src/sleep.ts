import type { Clock } from '@tidemark/core';
import type { Closer } from './closer.js';

/**
 * Wait on the injected clock, cut short by a close (a closing client must not sit out a
 * 10-second backoff).
 *
 * @param clock - time source
 * @param ms - how long
 * @param closer - ends the wait early when it closes
 * @returns true when the full time passed, false when the close cut it short
 */
export function sleep(clock: Clock, ms: number, closer?: Closer): Promise<boolean> {
  if (closer?.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const handle = clock.setTimeout(() => {
      remove?.();
      resolve(true);
    }, ms);
    const remove = closer?.onClose(() => {
      clock.clearTimeout(handle);
      resolve(false);
    });
  });
}

/**
 * A promise that settles when `signal` aborts, for racing work that may ignore the signal
 * (an injected `fetch` that never looks at it must not hang `close()`).
 *
 * @param signal - the signal to watch (one per request, so one listener each)
 * @returns resolves with the abort reason
 */
export function whenAborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}
