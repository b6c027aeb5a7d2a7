// Client-side test helpers shared by the Node tests and the browser page. The page gets
// them as the source text of `clientHelpers` (see ws-collector.ts), so the function
// must stay self-contained: no imports at runtime, no outer variables, only what both Node
// 20 and Chromium have (fetch, setTimeout).
import type { SendContext, SendResult, TidemarkEvent, Transport } from '@tidemark/core';

/** What {@link clientHelpers} returns. */
export interface ClientHelpers {
  makeEvents(count: number, prefix: string): TidemarkEvent[];
  httpFallback(baseUrl: string, appId: string): Transport & { calls: { send: number; hide: number } };
  drain(transport: Transport, events: TidemarkEvent[], options?: DrainOptions): Promise<DrainReport>;
}

export interface DrainOptions {
  writeKey?: string;
  /** Most send rounds. @default 100 */
  rounds?: number;
  /** Pause between rounds, in ms. @default 50 */
  pauseMs?: number;
}

export interface DrainReport {
  delivered: string[];
  rejected: string[];
  /** IDs still undelivered when the rounds ran out or the transport said stop. */
  left: string[];
  rounds: number;
  /** Error codes of the rounds that left events behind, in order. */
  errors: string[];
  stopped: boolean;
}

/**
 * Test helpers that run in Node and in the page.
 *
 * @returns `makeEvents` (valid wire events), `httpFallback` (a Transport posting Nucleus
 * frames to `/app/:appId/track`, standing in for @tidemark/transport-http) and `drain`
 * (the core's retry loop in miniature: send what is left until all is delivered).
 */
export function clientHelpers(): ClientHelpers {
  function makeEvents(count: number, prefix: string): TidemarkEvent[] {
    const events: TidemarkEvent[] = [];
    const run = Math.random().toString(36).slice(2, 8);
    for (let i = 0; i < count; i++) {
      events.push({
        type: 'track',
        event: 'Tested',
        messageId: `${prefix}-${run}-${i}`,
        timestamp: new Date().toISOString(),
        anonymousId: 'anon-1',
        properties: { i },
        context: { library: { name: 'tidemark-test', version: '0.0.0' }, sessionId: 1_700_000_000_000 },
      });
    }
    return events;
  }

  function httpFallback(baseUrl: string, appId: string) {
    const calls = { send: 0, hide: 0 };
    const post = async (events: TidemarkEvent[], ctx: SendContext, keepalive: boolean): Promise<SendResult> => {
      const query = ctx.writeKey ? `?writeKey=${encodeURIComponent(ctx.writeKey)}` : '';
      try {
        const response = await fetch(`${baseUrl}/app/${encodeURIComponent(appId)}/track${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ data: events }),
          keepalive,
        });
        const body = (await response.json().catch(() => ({}))) as { reportedIds?: unknown[] };
        if (!response.ok || !Array.isArray(body.reportedIds)) return { delivered: [], rejected: [] };
        return { delivered: body.reportedIds.map(String), rejected: [] };
      } catch {
        return { delivered: [], rejected: [] };
      }
    };
    return {
      calls,
      send(events: TidemarkEvent[], ctx: SendContext) {
        calls.send++;
        return post(events, ctx, false);
      },
      sendOnHide(events: TidemarkEvent[], ctx: SendContext) {
        calls.hide++;
        return { handed: events.map((e) => e.messageId), result: post(events, ctx, true) };
      },
    };
  }

  async function drain(transport: Transport, events: TidemarkEvent[], options: DrainOptions = {}): Promise<DrainReport> {
    const { writeKey = '', rounds = 100, pauseMs = 50 } = options;
    const report: DrainReport = { delivered: [], rejected: [], left: [], rounds: 0, errors: [], stopped: false };
    let left = events;
    while (left.length && report.rounds < rounds) {
      report.rounds++;
      const result = await transport.send(left, { writeKey });
      report.delivered.push(...result.delivered);
      report.rejected.push(...result.rejected.map((r) => r.messageId));
      const done = new Set([...result.delivered, ...result.rejected.map((r) => r.messageId)]);
      left = left.filter((e) => !done.has(e.messageId));
      if (left.length) report.errors.push(result.error?.code ?? 'none');
      if (result.stop) {
        report.stopped = true;
        break;
      }
      if (left.length) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    report.left = left.map((e) => e.messageId);
    return report;
  }

  return { makeEvents, httpFallback, drain };
}
