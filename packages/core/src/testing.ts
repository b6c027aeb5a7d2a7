// Test doubles for the core's platform interfaces, published as `@tidemark/core/testing` so
// every package's tests share one copy. They stand in for time and for a collector in logic
// tests; behaviour that needs real storage, sockets or browsers is tested against real ones.
import type { Clock, TimerHandle } from './clock.js';
import type { SendResult, Transport } from './transport.js';
import type { TidemarkEvent } from './types.js';

/** A {@link Clock} that moves only when told to. */
export interface ManualClock extends Clock {
  /** Move time forward, running due timers in order. */
  advance(ms: number): Promise<void>;
  /** Timers still pending. */
  pending(): number;
}

/**
 * A clock for tests: `advance(ms)` runs due timers and lets their promises settle.
 *
 * @param start - initial time in ms
 * @returns the clock
 * @example const clock = manualClock(); await clock.advance(30 * 60_000);
 */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle: TimerHandle) => void timers.delete(handle as number),
    pending: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

/** A transport whose answers a test scripts, recording every send. */
export interface ScriptedTransport extends Transport {
  /** Every send's events, in order. */
  readonly sends: TidemarkEvent[][];
  /** Every event delivered (acknowledged), in order. */
  readonly delivered: TidemarkEvent[];
  /** Set how the next sends are answered (default: all delivered). */
  answer(fn: (events: TidemarkEvent[]) => Partial<SendResult>): void;
}

/**
 * A transport for logic tests.
 *
 * @returns the transport
 * @example const t = scriptedTransport(); t.answer(() => ({ delivered: [] })); // all fail
 */
export function scriptedTransport(): ScriptedTransport {
  const sends: TidemarkEvent[][] = [];
  const delivered: TidemarkEvent[] = [];
  let script: (events: TidemarkEvent[]) => Partial<SendResult> = (events) => ({ delivered: events.map((e) => e.messageId) });
  return {
    sends,
    delivered,
    answer(fn) {
      script = fn;
    },
    async send(events) {
      sends.push(events);
      const r = script(events);
      const result: SendResult = { delivered: r.delivered ?? [], rejected: r.rejected ?? [] };
      if (r.retryAfterMs !== undefined) result.retryAfterMs = r.retryAfterMs;
      if (r.error) result.error = r.error;
      if (r.stop) result.stop = r.stop;
      const ids = new Set(result.delivered);
      delivered.push(...events.filter((e) => ids.has(e.messageId)));
      return result;
    },
  };
}
