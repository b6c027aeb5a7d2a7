import { CLOSE_TIMEOUT_MS } from './close-limit.js';
import type { Reporter } from './reporter.js';
import type { DropInfo, DropReason } from './server-options.js';

/**
 * How dropped events are made known, never silently: the count in `stats().dropped`, a
 * debug warning once per reason, and the app's `onDrop` with every count.
 */
export class DropNotice {
  readonly #reporter: Reporter;
  readonly #onDrop: ((info: DropInfo) => void) | undefined;
  readonly #bounds: string;
  #dropped = 0;

  /**
   * @param reporter - where the warning goes
   * @param onDrop - the app's callback, if any
   * @param maxEvents - `maxQueueSize`, for the warning
   * @param maxBytes - `maxQueueBytes`, for the warning
   */
  constructor(reporter: Reporter, onDrop: ((info: DropInfo) => void) | undefined, maxEvents: number, maxBytes: number) {
    this.#reporter = reporter;
    this.#onDrop = onDrop;
    this.#bounds = `maxQueueSize (${maxEvents}) events or maxQueueBytes (${maxBytes}) bytes`;
  }

  /** Events dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Count dropped events, warn once per reason and tell `onDrop`.
   *
   * @param count - how many (nothing happens for 0)
   * @param reason - why
   */
  note(count: number, reason: DropReason): void {
    if (count === 0) return;
    this.#dropped += count;
    this.#reporter.warn(
      reason === 'queue_full'
        ? `events dropped: more than ${this.#bounds} held; the oldest go first`
        : `${count} event(s) still undelivered when close() gave up after ${CLOSE_TIMEOUT_MS / 1000} s were dropped`,
      reason,
    );
    try {
      this.#onDrop?.({ reason, count });
    } catch {
      // The app's handler failed; delivery carries on.
    }
  }
}
