import { TidemarkError } from '@tidemark/core';
import type { TidemarkEvent, TimerHandle } from '@tidemark/core';
import { AckLedger } from './ack-ledger.js';
import { Connection } from './connection.js';
import type { ConnectionEvents } from './connection.js';
import { encodeEvent, parseServerMessage } from './frames.js';
import type { Encoded } from './frames.js';
import type { ResolvedOptions } from './options.js';
import type { Outcome, PendingSend } from './pending-send.js';
import type { ProblemReporter } from './problem-reporter.js';
import { emptyResult } from './send-results.js';

/** The settings a {@link SocketStream} uses, as resolved by `resolveWsOptions`. */
export type StreamOptions = Pick<
  ResolvedOptions,
  | 'clock'
  | 'ackTimeoutMs'
  | 'maxInFlight'
  | 'maxFrameEvents'
  | 'maxFrameBytes'
  | 'maxEventBytes'
  | 'encode'
  | 'WebSocket'
  | 'minReconnectDelayMs'
  | 'maxReconnectDelayMs'
>;

/** What the stream tells the transport; it decides what follows. */
export interface StreamEvents {
  /** The socket opened (events waiting for it wait no longer). */
  open(): void;
  /** The socket closed or an attempt failed, as the connection reported it. */
  close: ConnectionEvents['close'];
  /** Acks or timeouts made room in the in-flight window: write more soon. */
  freed(): void;
}

/**
 * The socket side of the transport: one {@link Connection}, the {@link AckLedger} of the
 * events it carries, and what joins them: encoding events in, writing frames within the
 * limits, applying the collector's acks, replacing a socket that went silent, and giving
 * events back when the socket does not come in time. Where events go (socket, fallback or
 * nowhere) is the transport's decision, not the stream's.
 *
 * @example
 * const stream = new SocketStream(opts, () => url, problems, { open: flush, close: onClose, freed: scheduleFlush });
 * const pending = stream.add(events, ctx.signal);
 * if (stream.connection.isOpen) stream.writeFrames();
 */
export class SocketStream {
  /** The reconnecting socket. */
  readonly connection: Connection;
  /** The events held: queued for the socket, or written and awaiting their ack. */
  readonly ledger: AckLedger;
  #options: StreamOptions;
  #problems: ProblemReporter;
  /** Messages received from the server so far; frames are marked with it when written. */
  #heard = 0;
  #connectWait: TimerHandle | undefined;

  /**
   * @param options - limits, timings and the WebSocket constructor
   * @param url - the URL for each connection attempt
   * @param problems - where encoding and protocol problems are told
   * @param events - what the transport hears from the stream
   */
  constructor(options: StreamOptions, url: () => string, problems: ProblemReporter, events: StreamEvents) {
    this.#options = options;
    this.#problems = problems;
    this.ledger = new AckLedger(options.clock, options.ackTimeoutMs, {
      freed: () => events.freed(),
      // A socket that has said nothing since the frame was written may be half-open (a NAT or
      // proxy dropped it without a close): every later frame would time out too. Replace it.
      expired: (heardAtWrite) => {
        if (this.#heard === heardAtWrite && this.connection.isOpen) this.connection.reconnectNow(true);
      },
    });
    const { WebSocket, minReconnectDelayMs, maxReconnectDelayMs } = options;
    this.connection = new Connection(
      { url, WebSocket, minReconnectDelayMs, maxReconnectDelayMs },
      {
        open: () => {
          this.#stopWaiting();
          events.open();
        },
        message: (data) => this.#receive(data),
        close: (info) => events.close(info),
      },
    );
  }

  /**
   * Take the events of one send in, to be written when the socket is open.
   *
   * @param events - at least one event
   * @param signal - aborts the send: its events still waiting get a `closed` failure
   * @returns the pending send, resolving when every event has an outcome
   */
  add(events: TidemarkEvent[], signal: AbortSignal | undefined): PendingSend {
    const pending = this.ledger.add(events, (event) => this.#encode(event));
    if (signal) {
      const abort = () => pending.settleAll({ kind: 'failed', error: new TidemarkError('closed', 'the send was aborted') });
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    }
    return pending;
  }

  /** Write queued events to the open socket, frame by frame, while the window has room. */
  writeFrames(): void {
    const { maxInFlight, maxFrameEvents, maxFrameBytes } = this.#options;
    const limits = { maxInFlight, maxFrameEvents, maxFrameBytes };
    for (let frame = this.ledger.nextFrame(limits, this.#heard); frame; frame = this.ledger.nextFrame(limits, this.#heard)) {
      // A failed write leaves the frame in flight; the close that follows reports it.
      if (!this.connection.send(frame.text)) break;
    }
  }

  /**
   * The socket is down: events queued for it wait at most `ackTimeoutMs`, then go back to
   * the core for retry, so a send never hangs on a collector that does not answer.
   */
  waitForSocket(): void {
    if (this.#connectWait !== undefined) return;
    const { clock, ackTimeoutMs } = this.#options;
    this.#connectWait = clock.setTimeout(() => {
      this.#connectWait = undefined;
      if (this.connection.isOpen) return;
      const error = new TidemarkError('network', `the socket did not connect within ${ackTimeoutMs} ms; the events will be retried`);
      this.ledger.settleFrom(this.ledger.takeQueued(), { ...emptyResult(), error });
    }, ackTimeoutMs);
  }

  /**
   * The socket closed under written events: report them for retry and tell the app once.
   * Queued events stay for the next connection.
   *
   * @param code - the close code, for the message
   */
  lost(code: number): void {
    const error = new TidemarkError('network', `the socket closed (code ${code}) before these events were acknowledged; they will be retried`);
    this.ledger.failInFlight(error);
    this.#problems.tell('network', error);
  }

  /**
   * Give every event held the same outcome and stop waiting for the socket (a refused key,
   * `close()`).
   *
   * @param outcome - usually a failure
   */
  settleAll(outcome: Outcome): void {
    this.#stopWaiting();
    this.ledger.finishAll(outcome);
  }

  #stopWaiting(): void {
    if (this.#connectWait !== undefined) this.#options.clock.clearTimeout(this.#connectWait);
    this.#connectWait = undefined;
  }

  #encode(event: TidemarkEvent): Encoded {
    const encoded = encodeEvent(event, this.#options.encode, this.#options.maxEventBytes);
    if ('cause' in encoded) this.#problems.tell('encode', new TidemarkError('invalid_event', encoded.reason, encoded.cause));
    return encoded;
  }

  #receive(data: unknown): void {
    this.#heard++;
    const message = parseServerMessage(data);
    if (message.kind === 'ack') this.ledger.ack(message.ids, message.rejected);
    else if (message.kind === 'error') {
      this.#problems.tell('server-error', new TidemarkError('protocol', `the collector could not read a frame: ${message.message}`));
    } else {
      this.#problems.tell('malformed', new TidemarkError('protocol', `unreadable message from the collector: ${message.sample}`));
    }
  }
}
