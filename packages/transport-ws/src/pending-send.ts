import type { SendResult, TidemarkError } from '@tidemark/core';

/** What became of one event of a send. */
export type Outcome =
  /** Its ID came back in `reportedIds` (or the fallback delivered it). */
  | { kind: 'delivered' }
  /** Refused for good: it can never be sent (unserializable, too large). */
  | { kind: 'rejected'; reason: string }
  /** Not acknowledged in time, socket lost, or refused key: the core keeps it and retries. */
  | { kind: 'failed'; error: TidemarkError; stop?: boolean };

/**
 * One call of `send()`: it resolves once every event in it has an outcome, with the
 * `SendResult` the core expects (delivered and rejected IDs leave the queue, the rest stay).
 */
export class PendingSend {
  readonly promise: Promise<SendResult>;
  #remaining: Set<string>;
  #result: SendResult = { delivered: [], rejected: [] };
  #resolve!: (result: SendResult) => void;

  /** @param ids - the `messageId`s of the call's events */
  constructor(ids: Iterable<string>) {
    this.#remaining = new Set(ids);
    this.promise = new Promise((resolve) => (this.#resolve = resolve));
    if (this.#remaining.size === 0) this.#resolve(this.#result);
  }

  /** Whether every event has an outcome. */
  get settled(): boolean {
    return this.#remaining.size === 0;
  }

  /** The IDs still waiting for an outcome. */
  get remaining(): string[] {
    return [...this.#remaining];
  }

  /**
   * Record the outcome of one event; unknown or already settled IDs are ignored.
   *
   * @param id - the event's `messageId`
   * @param outcome - what became of it
   */
  settle(id: string, outcome: Outcome): void {
    if (!this.#remaining.delete(id)) return;
    if (outcome.kind === 'delivered') this.#result.delivered.push(id);
    else if (outcome.kind === 'rejected') this.#result.rejected.push({ messageId: id, reason: outcome.reason });
    else {
      // The first failure names the cause; a refused key outranks a network hiccup.
      if (!this.#result.error || outcome.stop) this.#result.error = outcome.error;
      if (outcome.stop) this.#result.stop = true;
    }
    if (this.#remaining.size === 0) this.#resolve(this.#result);
  }

  /**
   * Give every event still waiting the same outcome.
   *
   * @param outcome - e.g. a `closed` failure when the client shuts down
   */
  settleAll(outcome: Outcome): void {
    for (const id of this.remaining) this.settle(id, outcome);
  }
}
