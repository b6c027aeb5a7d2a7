import ReconnectingWebSocket from 'partysocket/ws';
import type { CloseEvent } from 'partysocket/ws';
import type { WebSocketConstructor } from './options.js';

/**
 * Close codes by which a collector refuses the app ID or write key. 4001 is the reference
 * collector's (`unauthorized`); 4003 (`forbidden`) and 1008 (policy violation) are what other
 * servers send for the same thing. Reconnecting would only be refused again.
 */
const REFUSED = new Set([4001, 4003, 1008]);

/** What the connection tells its owner. */
export interface ConnectionEvents {
  open(): void;
  message(data: unknown): void;
  /**
   * The socket closed or a connection attempt failed.
   * @param info.wasOpen - whether this socket had opened (false: a failed attempt)
   * @param info.refused - the server refused the credentials; no more attempts follow
   */
  close(info: { code: number; reason: string; wasOpen: boolean; refused: boolean }): void;
}

/** Settings of a {@link Connection}. */
export interface ConnectionOptions {
  /** Gives the URL for each attempt, so a write key learnt later is used. */
  url: () => string;
  WebSocket: WebSocketConstructor;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** Source of [0, 1) draws for reconnection jitter. */
  random?: () => number;
}

/**
 * One reconnecting WebSocket (partysocket), started on demand. It reconnects with growing
 * delays until closed or refused, and never buffers: the owner writes only while it is open,
 * so every written frame is one the owner tracks.
 */
export class Connection {
  #socket: ReconnectingWebSocket | undefined;
  #options: ConnectionOptions;
  #events: ConnectionEvents;
  #opened = false;

  /**
   * @param options - where and how to connect
   * @param events - listeners for open, message and close
   */
  constructor(options: ConnectionOptions, events: ConnectionEvents) {
    this.#options = options;
    this.#events = events;
  }

  /** Whether the socket is open now. */
  get isOpen(): boolean {
    return this.#socket?.readyState === ReconnectingWebSocket.OPEN;
  }

  /** Whether a socket exists (started and not closed). */
  get started(): boolean {
    return this.#socket !== undefined;
  }

  /** Start connecting, if not started yet. */
  start(): void {
    if (this.#socket) return;
    const { WebSocket, minReconnectDelayMs, maxReconnectDelayMs } = this.#options;
    const random = this.#options.random ?? Math.random;
    let attempt = 0;
    const socket = new ReconnectingWebSocket(
      // partysocket waits its own growing delay between attempts but adds no jitter: a fleet
      // dropped by one collector restart would reconnect in lockstep. The URL provider may
      // return a promise, so it adds a random share of the minimum delay to every retry.
      (): Promise<string> => {
        const url = this.#options.url();
        if (attempt++ === 0) return Promise.resolve(url);
        return new Promise((resolve) => setTimeout(() => resolve(url), Math.floor(random() * minReconnectDelayMs)));
      },
      undefined,
      {
        WebSocket,
        minReconnectionDelay: minReconnectDelayMs,
        maxReconnectionDelay: maxReconnectDelayMs,
        reconnectionDelayGrowFactor: 1.5,
        // Frames written while closed would be sent blind on reconnect; the owner re-sends.
        maxEnqueuedMessages: 0,
        shouldReconnectOnClose: (event: CloseEvent) => !REFUSED.has(event.code),
      },
    );
    this.#socket = socket;
    // After close(), partysocket still dispatches a (synthetic) close: the owner asked for
    // it, so it is not news. Listeners only speak for the current socket.
    const current = () => this.#socket === socket;
    socket.addEventListener('open', () => {
      if (!current()) return;
      this.#opened = true;
      this.#events.open();
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (current()) this.#events.message(event.data);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (!current()) return;
      const wasOpen = this.#opened;
      this.#opened = false;
      this.#events.close({ code: event.code, reason: event.reason, wasOpen, refused: REFUSED.has(event.code) });
    });
  }

  /**
   * Write one text frame.
   *
   * @param text - the frame
   * @returns whether it was handed to an open socket
   */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    try {
      return this.#socket!.send(text);
    } catch {
      return false;
    }
  }

  /**
   * Connect again now, skipping the reconnect delay (the network is back, or the open
   * socket went silent). partysocket's own `reconnect()` cannot cut a pending delay short,
   * so the socket is replaced by a fresh one.
   *
   * @param evenIfOpen - replace an open socket too (it is deemed dead)
   */
  reconnectNow(evenIfOpen = false): void {
    if (!this.#socket || (this.isOpen && !evenIfOpen)) return;
    const wasOpen = this.#opened;
    this.close();
    if (wasOpen) this.#events.close({ code: 4000, reason: 'no answer from the server', wasOpen, refused: false });
    this.start();
  }

  /** Close for good; a later {@link Connection.start} opens a new socket. */
  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#opened = false;
    socket?.close(1000, 'client closed');
  }
}
