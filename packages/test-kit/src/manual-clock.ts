import type { Clock, TimerHandle } from '@tidemark/core';

interface Timer {
  id: number;
  at: number;
  ms: number;
  fn: () => void;
}

/** Let promise chains that timers started run to their next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A {@link Clock} that moves only when told: backoff, timeouts, sessions and flush timers
 * are driven without sleeping, while real I/O runs on real time.
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
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), ms, fn });
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

  /**
   * Move time forward, firing due timers in order (and the timers they schedule, if due),
   * letting the promises each timer starts settle before the next fires.
   *
   * @param ms - how far
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    while (this.#fireNext(end)) await settle();
    this.#now = end;
    await settle();
  }

  /**
   * Move time forward synchronously, firing due timers in order: for code whose timers
   * only start work and never wait on it.
   *
   * @param ms - how far
   */
  tick(ms: number): void {
    const end = this.#now + ms;
    while (this.#fireNext(end));
    this.#now = end;
  }

  /**
   * Wait (in real time, bounded) until a timer of exactly `ms` is pending: the code under
   * test has reached that wait.
   *
   * @param ms - the delay to wait for
   * @param limitMs - give up after this long
   */
  async waitForTimer(ms: number, limitMs = 5_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!this.pending().includes(ms)) {
      if (Date.now() > deadline) throw new Error(`no ${ms} ms timer within ${limitMs} ms (pending: ${this.pending().join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  #fireNext(end: number): boolean {
    const due = [...this.#timers.values()].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (!due) return false;
    this.#timers.delete(due.id);
    this.#now = Math.max(this.#now, due.at);
    due.fn();
    return true;
  }
}

/**
 * A {@link ManualClock}.
 *
 * @param start - initial time in ms
 * @returns the clock
 * @example const clock = manualClock(); await clock.advance(30 * 60_000);
 */
export function manualClock(start?: number): ManualClock {
  return new ManualClock(start);
}
