import type { ProcessHold } from './process-hold.js';

/**
 * From this share of either bound, `track()` waits for room. The tenth above it is for calls
 * that keep coming meanwhile: code that awaits its calls stops there and loses nothing, while
 * code that does not await meets the drop-oldest bound only past the full limit.
 */
export const WAIT_AT = 0.9;

/**
 * The bounds of what a client holds (queued, in flight, being written to the spool) and the
 * backpressure below them: past `maxEvents` or `maxBytes` the oldest event is dropped; from
 * {@link WAIT_AT} of either, calls get a promise that resolves once the client is back under
 * it. All waiting calls share one promise, so a full queue costs no allocation per call.
 */
export class QueueRoom {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #waitEvents: number;
  readonly #waitBytes: number;
  readonly #hold: ProcessHold;
  #waiting: { promise: Promise<void>; resolve: () => void; release: () => void } | undefined;

  /**
   * @param maxEvents - most events held
   * @param maxBytes - most bytes of event JSON held
   * @param hold - keeps the process alive while calls wait
   */
  constructor(maxEvents: number, maxBytes: number, hold: ProcessHold) {
    this.#maxEvents = maxEvents;
    this.#maxBytes = maxBytes;
    this.#waitEvents = Math.floor(maxEvents * WAIT_AT);
    this.#waitBytes = Math.floor(maxBytes * WAIT_AT);
    this.#hold = hold;
  }

  /** Most events held, for messages. */
  get maxEvents(): number {
    return this.#maxEvents;
  }

  /** Most bytes held, for messages. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Whether calls are waiting for room. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  /**
   * @param events - events held now
   * @param bytes - bytes held now
   * @returns whether the oldest must go
   */
  over(events: number, bytes: number): boolean {
    return events > this.#maxEvents || bytes > this.#maxBytes;
  }

  /**
   * @param events - events held now
   * @param bytes - bytes held now
   * @returns whether a call made now must wait for room
   */
  tight(events: number, bytes: number): boolean {
    return events >= this.#waitEvents || bytes >= this.#waitBytes;
  }

  /** @returns the promise every waiting call shares */
  wait(): Promise<void> {
    if (!this.#waiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#waiting = { promise, resolve, release: this.#hold.acquire() };
    }
    return this.#waiting.promise;
  }

  /**
   * Let the waiting calls go once the client is back under the wait mark.
   *
   * @param events - events held now
   * @param bytes - bytes held now
   */
  update(events: number, bytes: number): void {
    if (this.#waiting && !this.tight(events, bytes)) this.open();
  }

  /** Let every waiting call go (the client closed). */
  open(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve();
    waiting?.release();
  }
}
