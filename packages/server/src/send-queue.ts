/**
 * An event ready to send: its JSON text, sized, and its spool key when there is a spool.
 * The event object itself is not kept: while events wait (a burst, an outage), holding one
 * string each instead of the event's objects and a string halves what the garbage collector
 * has to carry, which is what keeps `track()` near the seed's cost.
 */
export interface QueuedEvent {
  /** The event's `messageId`, to match a collector's `rejected` list. */
  id: string;
  /** Its JSON text, made once for the size check and reused in every request body. */
  json: string;
  /** UTF-8 bytes of `json`. */
  bytes: number;
  /** Its key in the spool's files; undefined without a spool. */
  key: string | undefined;
}

/**
 * The send queue of a server client: first in, first out, with the bytes it holds. Bounds
 * are the delivery stage's business (they count events in flight too); this only keeps
 * order and totals. Pushing and taking are O(1) amortised.
 */
export class SendQueue {
  #items: QueuedEvent[] = [];
  #head = 0;
  #bytes = 0;

  /** Events waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Bytes of the events waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Append events, in order. */
  push(items: QueuedEvent[]): void {
    for (const item of items) {
      this.#items.push(item);
      this.#bytes += item.bytes;
    }
  }

  /** The oldest event, without removing it. */
  peek(): QueuedEvent | undefined {
    return this.#items[this.#head];
  }

  /** Remove and return the oldest event. */
  shift(): QueuedEvent | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head++]!;
    this.#bytes -= item.bytes;
    this.#compact();
    return item;
  }

  /** Put events back at the front, in their order (a send that failed after its retries). */
  unshift(items: QueuedEvent[]): void {
    if (items.length === 0) return;
    this.#items = items.concat(this.#items.slice(this.#head));
    this.#head = 0;
    for (const item of items) this.#bytes += item.bytes;
  }

  /**
   * Empty the queue.
   *
   * @returns the events it held
   */
  clear(): QueuedEvent[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return items;
  }

  /** Drop the consumed prefix once it is most of the array, so memory stays bounded. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
