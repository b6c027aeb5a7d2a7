import type { Clock } from './clock.js';
import type { KeyValueStorage } from './key-value.js';

/** Storage key of the shared session: `"<id>.<lastActivity>"`. */
export const SESSION_KEY = 'tm_session';

/** Write the activity time at most this often; other tabs learn it through storage events. */
const WRITE_EVERY_MS = 1_000;

/**
 * The session shared by all tabs (or windows) that share a {@link KeyValueStorage}. A session
 * ends after `timeoutMs` without activity; its ID is its start time in ms, so IDs sort like
 * Amplitude's. Reading the clock and a field per event is all `touch()` costs; storage is
 * written at most once a second.
 */
export class SessionTracker {
  #id = 0;
  #last = 0;
  #written = 0;
  readonly #storage: KeyValueStorage;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onStart: (id: number) => void;

  /**
   * @param storage - where the session is shared
   * @param clock - time source
   * @param timeoutMs - idle time that ends a session
   * @param onStart - called once for every session this tracker starts
   */
  constructor(storage: KeyValueStorage, clock: Clock, timeoutMs: number, onStart: (id: number) => void) {
    this.#storage = storage;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onStart = onStart;
    this.#adopt(storage.get(SESSION_KEY));
    storage.subscribe?.((key, value) => {
      if (key === SESSION_KEY) this.#adopt(value);
    });
  }

  /**
   * Record activity now and return the current session ID, starting a new session (and
   * calling `onStart`) when none is alive.
   *
   * @returns the session ID
   */
  touch(): number {
    const now = this.#clock.now();
    if (this.#id && now - this.#last < this.#timeoutMs) {
      this.#last = Math.max(this.#last, now);
      if (now - this.#written >= WRITE_EVERY_MS) this.#write();
      return this.#id;
    }
    // Another tab may have started or extended a session since our last storage event.
    this.#adopt(this.#storage.get(SESSION_KEY));
    if (this.#id && now - this.#last < this.#timeoutMs) return this.touch();
    this.#id = now;
    this.#last = now;
    this.#write();
    this.#onStart(now);
    return now;
  }

  /** Forget the session so the next `touch()` starts a new one (after `reset()`). */
  end(): void {
    this.#id = 0;
    this.#last = 0;
    this.#storage.remove(SESSION_KEY);
  }

  /** The current session ID without recording activity; 0 when there is none. */
  get id(): number {
    return this.#id;
  }

  #write(): void {
    this.#written = this.#last;
    this.#storage.set(SESSION_KEY, `${this.#id}.${this.#last}`);
  }

  #adopt(value: string | null): void {
    if (!value) return;
    const [id, last] = value.split('.').map(Number);
    if (!id || !last || !Number.isFinite(id) || !Number.isFinite(last)) return;
    // Keep whichever of ours and theirs saw activity last.
    if (last >= this.#last) {
      this.#id = id;
      this.#last = last;
      this.#written = last;
    }
  }
}
