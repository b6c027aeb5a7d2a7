import type { SendResult, TidemarkEvent, Transport } from '@tidemark/core';

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
