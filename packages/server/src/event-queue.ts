import type { TidemarkEvent } from '@tidemark/core';

/**
 * The in-memory queue of a server client: first in, first out, bounded. Over the bound the
 * oldest event goes (and is counted by the caller), so a collector outage costs the oldest
 * events, never the process's memory. Pushing and taking are O(1) amortised.
 */
export class EventQueue {
  #items: TidemarkEvent[] = [];
  #head = 0;
  readonly #max: number;

  /** @param max - most events held */
  constructor(max: number) {
    this.#max = max;
  }

  /** Events waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Append an event.
   *
   * @returns how many old events were dropped to make room (0 or 1)
   */
  push(event: TidemarkEvent): number {
    this.#items.push(event);
    if (this.length <= this.#max) return 0;
    this.#head++;
    this.#compact();
    return 1;
  }

  /** The oldest event, without removing it. */
  peek(): TidemarkEvent | undefined {
    return this.#items[this.#head];
  }

  /** Remove and return the oldest event. */
  shift(): TidemarkEvent | undefined {
    if (this.length === 0) return undefined;
    const event = this.#items[this.#head++];
    this.#compact();
    return event;
  }

  /**
   * Put events back at the front, in their order (a send that failed after its retries).
   *
   * @returns how many of the oldest were dropped to stay within the bound
   */
  unshift(events: TidemarkEvent[]): number {
    if (events.length === 0) return 0;
    const all = events.concat(this.#items.slice(this.#head));
    const over = Math.max(0, all.length - this.#max);
    this.#items = over ? all.slice(over) : all;
    this.#head = 0;
    return over;
  }

  /**
   * Empty the queue.
   *
   * @returns how many events it held
   */
  clear(): number {
    const count = this.length;
    this.#items = [];
    this.#head = 0;
    return count;
  }

  /** Drop the consumed prefix once it is most of the array, so memory stays bounded. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
