import type { SendContext, SendResult, TidemarkEvent } from '@tidemark/core';
import type { Fallback } from './fallback.js';
import { emptyResult } from './send-results.js';
import type { SocketStream } from './socket-stream.js';

/** The `sendOnHide` of a transport. */
export type HideSend = (events: TidemarkEvent[], ctx: SendContext) => { handed: string[]; result: Promise<SendResult> };

/** What the page-hide path works with. */
export interface PageHideParts {
  /** Whether the transport is running (not stopped by a refused key, not closed). */
  running(): boolean;
  /** The fallback, if the app gave one. */
  fallback: Fallback | undefined;
  /** The socket side, for the best effort without a fallback. */
  stream: Pick<SocketStream, 'connection' | 'ledger'>;
  /** The transport's ordinary send. */
  send(events: TidemarkEvent[], ctx: SendContext): Promise<SendResult>;
  /** Write what is queued now, not in a microtask: the page may be gone by then. */
  flushNow(): void;
}

/**
 * The page-hide path. A socket cannot be relied on while the page unloads (the browser may
 * tear it down before the ack comes back), so the events go to the fallback's `sendOnHide`
 * (beacon, `fetch` keepalive) when there is a fallback. Without one, they are written on the
 * open socket at once, inside the hide handler, and only those written count as handed;
 * with no open socket nothing is handed, and the core keeps the events for the next page.
 *
 * @param parts - the transport's pieces the path needs
 * @returns the transport's `sendOnHide`
 * @example const sendOnHide = pageHideSend({ running: () => true, fallback, stream, send, flushNow: flush });
 */
export function pageHideSend(parts: PageHideParts): HideSend {
  return (events, ctx) => {
    const ids = Array.isArray(events) ? events.map((e) => e.messageId) : [];
    // Stopped, closed or nothing to send: the ordinary send gives the answer for those.
    if (!parts.running() || !ids.length) return { handed: [], result: parts.send(events, ctx) };
    if (parts.fallback) return parts.fallback.sendOnHide(events, ctx);
    const { connection, ledger } = parts.stream;
    if (!connection.isOpen) return { handed: [], result: Promise.resolve(emptyResult()) };
    const result = parts.send(events, ctx);
    parts.flushNow();
    return { handed: ids.filter((id) => ledger.isWritten(id)), result };
  };
}
