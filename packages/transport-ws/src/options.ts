import { LIMITS, numberOption } from '@tidemark/protocol';
import { TidemarkError, systemClock } from '@tidemark/core';
import type { Clock, Lifecycle, TidemarkEvent, Transport } from '@tidemark/core';

/**
 * Anything that constructs a WebSocket the way the browser's `WebSocket` does: the global
 * `WebSocket`, or `WebSocket` from the `ws` package in Node.
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown;

/**
 * Maps one Tidemark event to the object sent in a frame's `data` array. It must keep the
 * event's `messageId` as the field the collector echoes in `reportedIds` (Nucleus: `id`).
 */
export type EventEncoder = (event: TidemarkEvent) => object;

/** Options of {@link wsTransport}. */
export interface WsTransportOptions {
  /**
   * Base URL of the collector, `ws(s)://` or `http(s)://` (turned into `ws(s)://`).
   * The transport connects to `<url>/app/<appId>/track`.
   * @example 'wss://collect.example.com'
   */
  url: string;
  /** The app ID (or write key) the collector knows; it is the last path segment but one. */
  appId: string;
  /**
   * Write key sent as `?writeKey=` on the connection. Without it, the `writeKey` of the
   * first send's context is used.
   */
  writeKey?: string;
  /**
   * How long a written event may wait for its `reportedIds` acknowledgement (and how long
   * queued events wait for a connection) before it is reported for retry.
   * @default 10000
   */
  ackTimeoutMs?: number;
  /**
   * Most events written to the socket and not yet acknowledged; later events wait.
   * @default 1000
   */
  maxInFlight?: number;
  /**
   * Transport used while the socket cannot connect and for the page-hide path, in practice
   * `httpTransport({ host })` from `@tidemark/transport-http`. `close()` closes it too.
   */
  fallback?: Transport;
  /**
   * Failed connection attempts in a row after which sends go to `fallback`.
   * @default 3
   */
  fallbackAfterAttempts?: number;
  /**
   * Time without an open socket after which sends go to `fallback`.
   * @default 5000
   */
  fallbackAfterMs?: number;
  /**
   * Delay before the first reconnection attempt; it grows by half each failure, with
   * random jitter of up to the same amount so a fleet does not reconnect in step.
   * @default 1000
   */
  minReconnectDelayMs?: number;
  /**
   * Longest delay between reconnection attempts.
   * @default 30000
   */
  maxReconnectDelayMs?: number;
  /**
   * WebSocket constructor. Defaults to the global `WebSocket`; in Node 20 pass the `ws`
   * package's.
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Send events in Nucleus field names: `true` for {@link nucleusEncoder}, or an encoder of
   * your own.
   * @default false (events go as they are, in the Segment-spec shape)
   */
  nucleus?: boolean | EventEncoder;
  /**
   * Told once per distinct problem: a refused write key (`unauthorized`), unreadable server
   * messages (`protocol`), a lost connection (`network`).
   */
  onError?: (error: TidemarkError) => void;
  /** Timers for acknowledgement and fallback deadlines. @default systemClock */
  clock?: Clock;
  /**
   * Tells when connectivity returns, to reconnect at once instead of after the reconnect
   * delay. Defaults to the global `online` event where there is one (browsers, workers).
   */
  lifecycle?: Pick<Lifecycle, 'onOnline'>;
}

/** {@link WsTransportOptions} with defaults applied and checked. */
export interface ResolvedOptions {
  url: string;
  appId: string;
  writeKey: string | undefined;
  ackTimeoutMs: number;
  maxInFlight: number;
  fallback: Transport | undefined;
  fallbackAfterAttempts: number;
  fallbackAfterMs: number;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  WebSocket: WebSocketConstructor;
  encode: EventEncoder | undefined;
  onError: ((error: TidemarkError) => void) | undefined;
  clock: Clock;
  lifecycle: Pick<Lifecycle, 'onOnline'> | undefined;
  /** Largest serialized event; bigger ones are rejected (the collector would refuse them). */
  maxEventBytes: number;
  /** Largest frame, in bytes, and most events in one frame: the batch limits of the wire. */
  maxFrameBytes: number;
  maxFrameEvents: number;
}

const invalid = (message: string) => new TidemarkError('invalid_option', message);

/** Milliseconds and event counts: whole, and at least 1 (a zero timeout or batch would spin). */
const positive = (name: string, value: number | undefined, fallback: number): number => numberOption(name, value, fallback, { min: 1, integer: true }, invalid);

/**
 * Apply defaults and check options; misuse throws at once with the fix in the message.
 *
 * @param options - what the app passed to `wsTransport`
 * @param nucleus - the built-in Nucleus encoder, used for `nucleus: true`
 * @returns the complete options
 * @throws TidemarkError `invalid_option`
 */
export function resolveWsOptions(options: WsTransportOptions, nucleus: EventEncoder): ResolvedOptions {
  if (!options || typeof options !== 'object') throw invalid("wsTransport needs options (pass { url: 'wss://…', appId: '…' })");
  const { url, appId } = options;
  if (typeof url !== 'string' || !/^(wss?|https?):\/\/[^/]/i.test(url)) {
    throw invalid(`url must be a ws(s):// or http(s):// URL (pass { url: 'wss://collect.example.com' }, got ${String(url)})`);
  }
  if (typeof appId !== 'string' || !appId) throw invalid("appId is required (pass { appId: 'my-app' })");
  const WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof WebSocket !== 'function') {
    throw invalid("no WebSocket in this runtime (in Node, pass { WebSocket } from the 'ws' package)");
  }
  if (options.fallback !== undefined && typeof options.fallback?.send !== 'function') {
    throw invalid('fallback must be a Transport (pass { fallback: httpTransport({ host }) })');
  }
  if (options.nucleus !== undefined && typeof options.nucleus !== 'boolean' && typeof options.nucleus !== 'function') {
    throw invalid('nucleus must be true, false or an encoder function');
  }
  const minReconnectDelayMs = positive('minReconnectDelayMs', options.minReconnectDelayMs, 1_000);
  return {
    url: url.replace(/^http/i, 'ws').replace(/\/+$/, ''),
    appId,
    writeKey: options.writeKey || undefined,
    ackTimeoutMs: positive('ackTimeoutMs', options.ackTimeoutMs, 10_000),
    maxInFlight: positive('maxInFlight', options.maxInFlight, 1_000),
    fallback: options.fallback,
    fallbackAfterAttempts: positive('fallbackAfterAttempts', options.fallbackAfterAttempts, 3),
    fallbackAfterMs: positive('fallbackAfterMs', options.fallbackAfterMs, 5_000),
    minReconnectDelayMs,
    maxReconnectDelayMs: Math.max(minReconnectDelayMs, positive('maxReconnectDelayMs', options.maxReconnectDelayMs, 30_000)),
    WebSocket,
    encode: options.nucleus === true ? nucleus : typeof options.nucleus === 'function' ? options.nucleus : undefined,
    onError: options.onError,
    clock: options.clock ?? systemClock,
    lifecycle: options.lifecycle,
    maxEventBytes: LIMITS.maxEventBytes,
    maxFrameBytes: LIMITS.maxBatchBytes,
    maxFrameEvents: LIMITS.maxBatchEvents,
  };
}
