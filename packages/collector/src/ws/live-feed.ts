import type { WebSocket } from 'ws';
import { isoOf } from '../dates.js';
import type { EventRow } from '../store/row.js';

/** What the dashboard shows of one event. */
export interface LiveEvent {
  type: string;
  name: string;
  anonymousId: string | null;
  userId: string | null;
  timestamp: string | null;
  /** Properties (or traits, Nucleus payload, `/track` metadata) as sent. */
  properties: unknown;
}

/** Most events of one live message; counts still cover every event. */
const MAX_EVENTS = 50;
/** Live messages are coalesced over this interval, so a busy collector sends ~10 per second. */
const INTERVAL_MS = 100;
/** A dashboard that reads slower than this much buffered output misses messages, not the server. */
const MAX_BUFFERED = 1024 * 1024;

function liveEventOf(row: EventRow): LiveEvent {
  let properties: unknown = null;
  try {
    const raw = JSON.parse(row.raw) as Record<string, unknown>;
    properties = raw.properties ?? raw.traits ?? raw.payload ?? raw.metadata ?? null;
  } catch {
    // raw is always our own JSON.stringify output; nothing to show otherwise
  }
  return { type: row.type, name: row.name, anonymousId: row.anonymousId, userId: row.userId, timestamp: isoOf(row.eventMs), properties };
}

/**
 * Pushes newly stored events to the dashboards connected on `/v1/live`:
 * `{ type: 'events', events: LiveEvent[], counts: { [name]: n }, stored }`, at most every 100 ms.
 *
 * @example
 * const feed = new LiveFeed();
 * feed.add(socket);
 * feed.publish(freshRows);
 */
export class LiveFeed {
  readonly #clients = new Set<WebSocket>();
  #events: LiveEvent[] = [];
  #counts = new Map<string, number>();
  #stored = 0;
  #timer: NodeJS.Timeout | null = null;

  /**
   * Start sending to a dashboard socket.
   *
   * @param ws - the accepted socket
   * @param hello - first message (current counters)
   */
  add(ws: WebSocket, hello: unknown): void {
    this.#clients.add(ws);
    ws.on('close', () => this.#clients.delete(ws));
    ws.on('message', () => {}); // dashboards only listen
    ws.send(JSON.stringify({ type: 'hello', stats: hello }));
  }

  /**
   * Queue newly stored events for the next live message (a no-op without dashboards).
   *
   * @param fresh - rows stored for the first time by one commit
   */
  publish(fresh: EventRow[]): void {
    if (this.#clients.size === 0 || fresh.length === 0) return;
    for (const row of fresh) this.#counts.set(row.name, (this.#counts.get(row.name) ?? 0) + 1);
    this.#stored += fresh.length;
    const recent = fresh.slice(-MAX_EVENTS).map(liveEventOf);
    this.#events = [...this.#events, ...recent].slice(-MAX_EVENTS);
    this.#timer ??= setTimeout(() => this.#send(), INTERVAL_MS);
  }

  #send(): void {
    this.#timer = null;
    const message = JSON.stringify({ type: 'events', events: this.#events, counts: Object.fromEntries(this.#counts), stored: this.#stored });
    this.#events = [];
    this.#counts = new Map();
    this.#stored = 0;
    for (const ws of this.#clients) if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED) ws.send(message);
  }

  /** Stop the timer and close every dashboard socket. */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const ws of this.#clients) ws.close(1001, 'collector shutting down');
  }
}
