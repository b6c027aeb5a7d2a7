import type { KeyValueStorage } from './key-value.js';

/** Storage key of the uncertain record, shared by every page of the origin. */
export const UNCERTAIN_KEY = 'tm_uncertain';
/** Most IDs kept; beyond it the oldest are forgotten (and simply re-sent, to be deduped). */
const MAX_IDS = 5_000;
/**
 * How long after a page hid its uncertain events wait before the receipts question: a
 * keepalive request outlives its page and may still be on its way to the collector.
 */
export const UNCERTAIN_GRACE_MS = 2_000;
/** Marks older than this are stale (their events were delivered and removed long ago). */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface Mark {
  /** When the newest page that marked IDs hid, ms since the epoch. */
  at: number;
  ids: string[];
}

/**
 * Events whose send a page could not see the end of: in a request still in flight when the
 * page hid, or handed to the page-hide path (keepalive, beacon). Marked synchronously at hide
 * in one small storage record; the next drainer asks the collector's delivery receipts about
 * them before sending them again, so a send that did arrive is not repeated.
 */
export class UncertainLedger {
  readonly #storage: KeyValueStorage;

  /** @param storage - synchronous storage shared by the origin's pages (localStorage) */
  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
  }

  /**
   * Mark IDs uncertain, now. Synchronous: it runs while the page is being hidden.
   *
   * @param ids - message IDs whose fate is unknown
   * @param now - the time of the send, the hide or the handover
   * @returns the storage's error when it refused the record (a full custom storage), else
   *   undefined; never throws: unmarked IDs are only re-sent without asking, to be deduped
   */
  mark(ids: Iterable<string>, now: number): unknown {
    const added = [...ids];
    if (!added.length) return undefined;
    const mark = this.#read();
    const merged = [...new Set([...mark.ids, ...added])].slice(-MAX_IDS);
    try {
      // The newest mark sets the grace: marks handed over later (to a service worker) keep their own time.
      this.#storage.set(UNCERTAIN_KEY, JSON.stringify({ at: Math.max(now, mark.at), ids: merged } satisfies Mark));
      return undefined;
    } catch (err) {
      return err;
    }
  }

  /**
   * The uncertain IDs and when they were last marked; none when the record is stale.
   *
   * @param now - the current time
   * @returns the IDs and the time of the newest mark
   */
  read(now: number): { ids: Set<string>; at: number } {
    const mark = this.#read();
    if (mark.at > now) {
      // Marked while the clock was ahead, and it has been set back since: from now, or the
      // grace would last until the clock caught up, holding the queue behind these events.
      mark.at = now;
      this.#write(mark);
    }
    if (now - mark.at > MAX_AGE_MS) {
      if (mark.ids.length) this.#storage.remove(UNCERTAIN_KEY);
      return { ids: new Set(), at: 0 };
    }
    return { ids: new Set(mark.ids), at: mark.at };
  }

  /**
   * Forget IDs whose fate is now known (the receipts answered, or they were sent again).
   *
   * @param ids - message IDs
   */
  forget(ids: Iterable<string>): void {
    const gone = new Set(ids);
    if (!gone.size) return;
    const mark = this.#read();
    const left = mark.ids.filter((id) => !gone.has(id));
    if (left.length === mark.ids.length) return;
    if (left.length) this.#write({ at: mark.at, ids: left });
    else this.#storage.remove(UNCERTAIN_KEY);
  }

  #write(mark: Mark): void {
    try {
      this.#storage.set(UNCERTAIN_KEY, JSON.stringify(mark));
    } catch {
      // A record left behind (or an old time kept) only costs a receipts question later; never an event.
    }
  }

  /**
   * Tell `listener` the IDs of the record each time another tab changes it. A drain marks
   * its batch here before sending it, so this is how a page learns that another tab's drain
   * has taken events it queued: it need not hand them to keepalive when it hides.
   *
   * @param listener - told the IDs the record holds now
   * @returns stop listening
   */
  watch(listener: (ids: string[]) => void): () => void {
    return this.#storage.subscribe?.((key, value) => key === UNCERTAIN_KEY && listener(parseMark(value).ids)) ?? (() => {});
  }

  #read(): Mark {
    return parseMark(this.#storage.get(UNCERTAIN_KEY));
  }
}

function parseMark(text: string | null): Mark {
  try {
    const mark = JSON.parse(text ?? 'null') as Partial<Mark> | null;
    if (mark && typeof mark.at === 'number' && Array.isArray(mark.ids)) return { at: mark.at, ids: mark.ids.filter((id) => typeof id === 'string') };
  } catch {
    // A damaged record marks nothing: its events are re-sent and deduped by the collector.
  }
  return { at: 0, ids: [] };
}
