import type { Clock, TimerHandle } from '@tidemark/core';

interface Timer {
  id: number;
  at: number;
  ms: number;
  fn: () => void;
}

/**
 * A clock that moves only when told (test support): backoff, timeouts and the flush timer
 * are driven without sleeping, while real HTTP runs on real time.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];

  /** @param start - initial time in ms since the epoch */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + ms, ms, fn });
    this.scheduled.push(ms);
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Delays of the timers still pending. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.ms);
  }

  /** Move time forward, firing due timers in order (and timers they schedule, if due). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.values()].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
  }

  /**
   * Wait (in real time, bounded) until a timer of exactly `ms` is pending: the client has
   * reached a backoff wait.
   */
  async waitForTimer(ms: number, limitMs = 5_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!this.pending().includes(ms)) {
      if (Date.now() > deadline) throw new Error(`no ${ms} ms timer within ${limitMs} ms (pending: ${this.pending().join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}
