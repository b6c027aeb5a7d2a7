import { TidemarkError } from '@tidemark/core';
import type { SendContext, SendResult, TidemarkEvent, Transport } from '@tidemark/core';
import { Fallback } from './fallback.js';
import { keyRefusal, refusalLifted } from './key-refusal.js';
import type { Refusal } from './key-refusal.js';
import { nucleusEncoder } from './nucleus.js';
import { onlineEvents } from './online.js';
import { resolveWsOptions } from './options.js';
import type { WsTransportOptions } from './options.js';
import { pageHideSend } from './page-hide.js';
import { ProblemReporter } from './problem-reporter.js';
import { SendContexts, endpointUrl } from './send-contexts.js';
import { emptyResult } from './send-results.js';
import { SocketStream } from './socket-stream.js';
import { stateOf } from './transport-state.js';
import type { Phase, WsTransportState } from './transport-state.js';

/** The WebSocket {@link Transport}, with its page-hide path, `close()` and its state. */
export interface WsTransport extends Transport {
  /** Send while the page hides: through the fallback's beacon path if any (see `page-hide.ts`). */
  sendOnHide(events: TidemarkEvent[], ctx: SendContext): { handed: string[]; result: Promise<SendResult> };
  /** Close the socket and the fallback; pending sends settle with a `closed` error. */
  close(): Promise<void>;
  /** Where the transport stands now (for debugging and dashboards). */
  readonly state: WsTransportState;
}

/**
 * A {@link Transport} that streams events over one WebSocket with Nucleus framing: it
 * writes `{ data: [...] }` frames as soon as events arrive (batched per tick, at most
 * `maxInFlight` unacknowledged), and counts an event delivered only when its `messageId`
 * comes back in a `{ reportedIds }` message. Events not acknowledged within `ackTimeoutMs`,
 * or whose socket closed first, are reported for retry; the core sends them again and
 * they go out once the socket is back (the collector dedupes by `messageId`).
 *
 * The socket opens on the first send, at `<url>/app/<appId>/track?writeKey=…`. While it
 * cannot connect (`fallbackAfterAttempts` failures or `fallbackAfterMs` down) sends go to
 * `fallback`, as do page-hide sends, since a socket cannot be relied on at unload. A
 * collector that refuses the key (close code 4001) stops the transport: sends answer
 * `{ stop: true }` with an `unauthorized` error until the write key in the send context
 * changes. Nothing throws after set-up.
 *
 * @param options - see {@link WsTransportOptions}
 * @returns the transport, to pass to the client
 * @throws TidemarkError `invalid_option` at once when an option is wrong
 * @example
 * import WebSocket from 'ws'; // Node 20 only; browsers have one
 * const transport = wsTransport({
 *   url: 'wss://collect.example.com',
 *   appId: 'my-app',
 *   fallback: httpTransport({ host: 'https://collect.example.com' }),
 *   WebSocket,
 * });
 */
export function wsTransport(options: WsTransportOptions): WsTransport {
  const opts = resolveWsOptions(options, nucleusEncoder);
  let phase: Phase = { name: 'running' };
  let flushScheduled = false;
  const problems = new ProblemReporter(opts.onError);
  const contexts = new SendContexts(opts.writeKey);

  // The socket's news moves the other pieces: an open ends the fallback and writes what
  // waited; a refusal stops everything until the key changes; any other close is a drop,
  // after which written events are retried and the fallback counts the failure.
  const stream: SocketStream = new SocketStream(opts, () => endpointUrl(opts.url, opts.appId, contexts.writeKey), problems, {
    open() {
      fallback?.socketOpened();
      problems.clear('network');
      flush();
    },
    close(info) {
      if (phase.name === 'closed') return;
      if (info.refused) return stop(keyRefusal(opts.appId, info, contexts.writeKey));
      stream.lost(info.code);
      fallback?.socketClosed(info.wasOpen);
      if (stream.ledger.queued) scheduleFlush();
    },
    freed: () => scheduleFlush(),
  });

  const fallback =
    opts.fallback &&
    new Fallback(
      opts.fallback,
      opts.clock,
      { afterAttempts: opts.fallbackAfterAttempts, afterMs: opts.fallbackAfterMs },
      {
        mayEnter: () => phase.name === 'running' && !stream.connection.isOpen,
        entered: () => fallback?.handOver(stream.ledger, contexts.last),
      },
    );

  /** The collector refused the key: every held event and every later send answers `stop`. */
  const stop = (refusal: Refusal) => {
    phase = { name: 'stopped', ...refusal };
    fallback?.stopTimer();
    stream.settleAll({ kind: 'failed', error: refusal.error, stop: true });
    problems.tell('unauthorized', refusal.error);
  };

  /** Route what is queued: to the fallback while it carries the sends, else to the socket. */
  const flush = () => {
    flushScheduled = false;
    if (phase.name !== 'running' || !stream.ledger.queued) return;
    if (fallback?.active) return fallback.handOver(stream.ledger, contexts.last);
    if (stream.connection.isOpen) return stream.writeFrames();
    startConnection();
    stream.waitForSocket();
  };

  // Sends of one tick share a frame: the flush waits for the microtask after the last one.
  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(flush);
  };

  const startConnection = () => {
    if (stream.connection.started) return;
    stream.connection.start();
    fallback?.armTimer();
  };

  // When the network comes back, try at once instead of waiting out the reconnect delay.
  const stopListening = onlineEvents(opts.lifecycle, () => {
    if (phase.name === 'running' && stream.connection.started) stream.connection.reconnectNow();
  });

  /** A send after a refusal tries again only if the context brought another write key. */
  const retryIfNewKey = () => {
    if (phase.name !== 'stopped' || !refusalLifted(phase, contexts)) return;
    phase = { name: 'running' };
    problems.clear('unauthorized');
    fallback?.resetAttempts();
    stream.connection.close();
  };

  const send = (events: TidemarkEvent[], ctx: SendContext): Promise<SendResult> => {
    if (phase.name === 'closed') return Promise.resolve({ ...emptyResult(), error: new TidemarkError('closed', 'the transport is closed') });
    contexts.remember(ctx);
    retryIfNewKey();
    if (phase.name === 'stopped') return Promise.resolve({ ...emptyResult(), error: phase.error, stop: true });
    if (!Array.isArray(events) || !events.length) return Promise.resolve(emptyResult());
    if (fallback?.active) return fallback.send(events, contexts.last);
    const pending = stream.add(events, ctx?.signal);
    startConnection();
    scheduleFlush();
    return pending.promise;
  };

  const check = fallback?.check;
  return {
    send,
    // Receipts are asked over HTTP: a question must not wait behind the socket's reconnects.
    ...(check ? { check } : {}),
    sendOnHide: pageHideSend({ running: () => phase.name === 'running', fallback, stream, send, flushNow: flush }),
    async close() {
      if (phase.name === 'closed') return;
      phase = { name: 'closed' };
      stopListening();
      fallback?.stopTimer();
      stream.connection.close();
      stream.settleAll({ kind: 'failed', error: new TidemarkError('closed', 'the transport was closed') });
      await fallback?.close();
    },
    get state(): WsTransportState {
      return stateOf(phase, stream.connection, fallback?.active ?? false);
    },
  };
}
