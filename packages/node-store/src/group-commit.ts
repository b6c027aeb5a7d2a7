/**
 * Group commit: many requests to write, one write for all of them. A request made while no
 * write runs waits one turn of the event loop, so the calls of one tick share the write; a
 * request made while a write runs (an fsync takes milliseconds) is served by the next round,
 * together with every other request made meanwhile. Throughput therefore does not depend on
 * fsync latency: one `fdatasync` serves however many events arrived during the last one.
 */
export class GroupCommit {
  readonly #round: () => Promise<void>;
  #waiters: Array<() => void> = [];
  #working: Promise<void> | undefined;

  /** @param round - writes everything pending; never throws (failures are its own to handle) */
  constructor(round: () => Promise<void>) {
    this.#round = round;
  }

  /** @returns resolves once a round that began after this call has finished */
  request(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#start();
    });
  }

  #start(): void {
    if (this.#working) return; // the running round's loop takes new requests next
    this.#working = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#work())
      .catch(() => {})
      .finally(() => {
        this.#working = undefined;
        if (this.#waiters.length) this.#start();
      });
  }

  async #work(): Promise<void> {
    while (this.#waiters.length) {
      const waiters = this.#waiters.splice(0);
      try {
        await this.#round();
      } finally {
        for (const resolve of waiters) resolve();
      }
    }
  }
}
