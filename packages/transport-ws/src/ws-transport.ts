import { TidemarkError } from '@tidemark/core';
import type { SendContext, SendResult, TidemarkEvent, TimerHandle, Transport } from '@tidemark/core';
import { AckLedger } from './ack-ledger.js';
import { Connection } from './connection.js';
import { Fallback } from './fallback.js';
import { encodeEvent, parseServerMessage } from './frames.js';
import type { Encoded } from './frames.js';
import { nucleusEncoder } from './nucleus.js';
import { onlineEvents } from './online.js';
import { resolveOptions } from './options.js';
import type { WsTransportOptions } from './options.js';
import { keyRefusal, refusalLifted } from './key-refusal.js';
import { ProblemReporter } from './problem-reporter.js';
import { SendContexts, endpointUrl } from './send-contexts.js';
import { stateOf } from './transport-state.js';
import type { Phase, WsTransportState } from './transport-state.js';
import { emptyResult as empty } from './send-results.js';

/** The WebSocket {@link Transport}, with its page-hide path, `close()` and its state. */
export interface WsTransport extends Transport {
  sendOnHide(events: TidemarkEvent[], ctx: SendContext): { handed: string[]; result: Promise<SendResult> };
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
  const opts = resolveOptions(options, nucleusEncoder);
  const { clock } = opts;
  let phase: Phase = { name: 'running' };
  const contexts = new SendContexts(opts.writeKey);
  let flushScheduled = false;
  let connectWaitTimer: TimerHandle | undefined;
  const problems = new ProblemReporter(opts.onError);
  const tell = problems.tell.bind(problems);

  const encode = (event: TidemarkEvent): Encoded => {
    const encoded = encodeEvent(event, opts.encode, opts.maxEventBytes);
    if ('cause' in encoded) tell('encode', new TidemarkError('invalid_event', encoded.reason, encoded.cause));
    return encoded;
  };

  /** Messages received from the server so far. */
  let heard = 0;
  const ledger = new AckLedger(clock, opts.ackTimeoutMs, {
    freed: () => scheduleFlush(),
    // A socket that has said nothing since the frame was written may be half-open (a NAT or
    // proxy dropped it without a close): every later frame would time out too. Replace it.
    expired: (heardAtWrite) => {
      if (heard === heardAtWrite && connection.isOpen) connection.reconnectNow(true);
    },
  });

  const clearTimer = (timer: TimerHandle | undefined) => {
    if (timer !== undefined) clock.clearTimeout(timer);
    return undefined;
  };

  /** Events queued while the socket is down wait at most `ackTimeoutMs` for it. */
  const armConnectWait = () => {
    if (connectWaitTimer !== undefined) return;
    connectWaitTimer = clock.setTimeout(() => {
      connectWaitTimer = undefined;
      if (connection.isOpen) return;
      const error = new TidemarkError('network', `the socket did not connect within ${opts.ackTimeoutMs} ms; the events will be retried`);
      ledger.settleFrom(ledger.takeQueued(), { ...empty(), error });
    }, opts.ackTimeoutMs);
  };

  const fallback =
    opts.fallback &&
    new Fallback(
      opts.fallback,
      clock,
      { afterAttempts: opts.fallbackAfterAttempts, afterMs: opts.fallbackAfterMs },
      {
        mayEnter: () => phase.name === 'running' && !connection.isOpen,
        entered: () => fallback?.handOver(ledger, contexts.last),
      },
    );

  const flush = () => {
    flushScheduled = false;
    if (phase.name !== 'running' || !ledger.queued) return;
    if (fallback?.active) return fallback.handOver(ledger, contexts.last);
    if (!connection.isOpen) {
      startConnection();
      return armConnectWait();
    }
    const limits = { maxInFlight: opts.maxInFlight, maxFrameEvents: opts.maxFrameEvents, maxFrameBytes: opts.maxFrameBytes };
    for (let frame = ledger.nextFrame(limits, heard); frame; frame = ledger.nextFrame(limits, heard)) {
      // A failed write leaves the frame in flight; the close that follows reports it.
      if (!connection.send(frame.text)) break;
    }
  };

  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(flush);
  };

  const connection = new Connection(
    {
      url: () => endpointUrl(opts.url, opts.appId, contexts.writeKey),
      WebSocket: opts.WebSocket,
      minReconnectDelayMs: opts.minReconnectDelayMs,
      maxReconnectDelayMs: opts.maxReconnectDelayMs,
    },
    {
      open() {
        fallback?.socketOpened();
        connectWaitTimer = clearTimer(connectWaitTimer);
        problems.clear('network');
        flush();
      },
      message(data) {
        heard++;
        const message = parseServerMessage(data);
        if (message.kind === 'ack') ledger.ack(message.ids, message.rejected);
        else if (message.kind === 'error') {
          tell('server-error', new TidemarkError('protocol', `the collector could not read a frame: ${message.message}`));
        } else {
          tell('malformed', new TidemarkError('protocol', `unreadable message from the collector: ${message.sample}`));
        }
      },
      close({ code, reason, wasOpen, refused }) {
        if (phase.name === 'closed') return;
        if (refused) {
          const refusal = keyRefusal(opts.appId, { code, reason }, contexts.writeKey);
          phase = { name: 'stopped', ...refusal };
          fallback?.stopTimer();
          connectWaitTimer = clearTimer(connectWaitTimer);
          ledger.finishAll({ kind: 'failed', error: refusal.error, stop: true });
          tell('unauthorized', refusal.error);
          return;
        }
        const error = new TidemarkError('network', `the socket closed (code ${code}) before these events were acknowledged; they will be retried`);
        ledger.failInFlight(error);
        tell('network', error);
        fallback?.socketClosed(wasOpen);
        if (ledger.queued) scheduleFlush();
      },
    },
  );

  const startConnection = () => {
    if (connection.started) return;
    connection.start();
    fallback?.armTimer();
  };

  // When the network comes back, try at once instead of waiting out the reconnect delay.
  const stopListening = onlineEvents(opts.lifecycle, () => {
    if (phase.name === 'running' && connection.started) connection.reconnectNow();
  });

  /** A send after a refusal tries again only if the context brought another write key. */
  const retryIfNewKey = () => {
    if (phase.name !== 'stopped' || !refusalLifted(phase, contexts)) return;
    phase = { name: 'running' };
    problems.clear('unauthorized');
    fallback?.resetAttempts();
    connection.close();
  };

  const send = (events: TidemarkEvent[], ctx: SendContext): Promise<SendResult> => {
    if (phase.name === 'closed') return Promise.resolve({ ...empty(), error: new TidemarkError('closed', 'the transport is closed') });
    contexts.remember(ctx);
    retryIfNewKey();
    if (phase.name === 'stopped') return Promise.resolve({ ...empty(), error: phase.error, stop: true });
    if (!Array.isArray(events) || !events.length) return Promise.resolve(empty());
    if (fallback?.active) return fallback.send(events, contexts.last);
    const pending = ledger.add(events, encode);
    const signal = ctx?.signal;
    if (signal) {
      const abort = () => pending.settleAll({ kind: 'failed', error: new TidemarkError('closed', 'the send was aborted') });
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    }
    startConnection();
    scheduleFlush();
    return pending.promise;
  };

  const fallbackCheck = fallback?.check;
  return {
    send,
    // Receipts are asked over HTTP: a question must not wait behind the socket's reconnects.
    ...(fallbackCheck ? { check: fallbackCheck } : {}),
    sendOnHide(events, ctx) {
      const ids = Array.isArray(events) ? events.map((e) => e.messageId) : [];
      if (phase.name !== 'running' || !ids.length) return { handed: [], result: send(events, ctx) };
      if (fallback) return fallback.sendOnHide(events, ctx);
      if (!connection.isOpen) return { handed: [], result: Promise.resolve(empty()) };
      // No fallback: best effort on the open socket, written now, inside the hide handler.
      const result = send(events, ctx);
      flush();
      return { handed: ids.filter((id) => ledger.isWritten(id)), result };
    },
    async close() {
      if (phase.name === 'closed') return;
      phase = { name: 'closed' };
      stopListening();
      fallback?.stopTimer();
      connectWaitTimer = clearTimer(connectWaitTimer);
      connection.close();
      ledger.finishAll({ kind: 'failed', error: new TidemarkError('closed', 'the transport was closed') });
      await fallback?.close();
    },
    get state(): WsTransportState {
      return stateOf(phase, connection, fallback?.active ?? false);
    },
  };
}
