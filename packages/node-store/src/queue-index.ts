import type { TidemarkEvent } from '@tidemark/core';
import type { ParsedSegment } from './segment-log.js';

/** An event in the store; `seg` is the segment holding its add record (0: not written yet). */
export interface Entry {
  event: TidemarkEvent;
  seg: number;
  /** Bytes of its add record, newline included (0 until written). */
  bytes: number;
}

/** A segment file: how many of its added events are still queued, and its size. */
export interface Segment {
  name: string;
  live: number;
  bytes: number;
}

/**
 * What a FileStore knows about its queue and its files, in memory: the queued events in key
 * order, the segment files with their live counts, and what is still to be written. Group
 * commit, compaction and loading all work on this one object, so the store's state is in
 * one place rather than spread over a class's fields.
 */
export class QueueIndex {
  /** Queued events by key, in key order (which is the order of adding). */
  readonly live = new Map<string, Entry>();
  /** Segment files on disk by number, in ascending order. */
  readonly segments = new Map<number, Segment>();
  /** Damaged segment numbers to move to quarantine at the next rewrite. */
  readonly damaged = new Set<number>();
  /** Number of the next segment file to create. */
  nextSegment = 1;
  /** Bytes of the add records of queued events that are on disk. */
  liveBytes = 0;
  /** Keys added since the last write. */
  pendingAdds: string[] = [];
  /** Keys removed since the last write (only those whose add record is on disk). */
  pendingDels: string[] = [];
  /** The next write should rewrite every queued event into a fresh segment. */
  rewriteWanted = false;
  #nextKey = 1;
  /** The highest key replay has queued, and whether one came after a higher one. */
  #lastKey = '';
  #unordered = false;

  /**
   * A new key: sixteen digits, so string order is numeric order.
   *
   * @returns a key never used in this directory before
   */
  newKey(): string {
    return String(this.#nextKey++).padStart(16, '0');
  }

  /**
   * Record that an event's add record went into segment `n`.
   *
   * @param entry - the queued event
   * @param n - the segment number
   * @param bytes - its record's size, newline included
   */
  place(entry: Entry, n: number, bytes: number): void {
    entry.seg = n;
    entry.bytes = bytes;
    this.segments.get(n)!.live++;
    this.liveBytes += bytes;
  }

  /**
   * Stop counting an event that left the queue (or moved to another segment).
   *
   * @param entry - an entry that was placed
   */
  forget(entry: Entry): void {
    const segment = this.segments.get(entry.seg);
    if (segment) segment.live--;
    this.liveBytes -= entry.bytes;
  }

  /** @returns the pending adds and removals, leaving none pending */
  takePending(): { adds: string[]; dels: string[] } {
    const taken = { adds: this.pendingAdds, dels: this.pendingDels };
    this.pendingAdds = [];
    this.pendingDels = [];
    return taken;
  }

  /** @returns the size of all segment files */
  diskBytes(): number {
    let total = 0;
    for (const segment of this.segments.values()) total += segment.bytes;
    return total;
  }

  /**
   * Apply one loaded segment's records, in file order: adds queue events, removals take
   * them out again.
   *
   * @param n - the segment's number (its records are counted in it)
   * @param parsed - the segment's records
   */
  replay(n: number, parsed: ParsedSegment): void {
    let maxKey = this.#nextKey - 1;
    let lastKey = this.#lastKey;
    parsed.records.forEach((record, i) => {
      if ('k' in record) {
        maxKey = Math.max(maxKey, Number(record.k) || 0);
        const seen = this.live.get(record.k);
        // Seen before: an interrupted rewrite left both copies. Keep the first place in the
        // order, count it in the newer file.
        if (seen) this.forget(seen);
        else if (record.k < lastKey) this.#unordered = true;
        else lastKey = record.k;
        const entry: Entry = { event: record.e, seg: 0, bytes: 0 };
        this.live.set(record.k, entry);
        this.place(entry, n, parsed.sizes[i]!);
      } else {
        for (const key of record.d) {
          maxKey = Math.max(maxKey, Number(key) || 0);
          const entry = this.live.get(key);
          if (entry) this.live.delete(key), this.forget(entry);
        }
      }
    });
    this.#nextKey = maxKey + 1;
    this.#lastKey = lastKey;
  }

  /**
   * Put the loaded events back in key order, when replay met them out of it: a rewrite
   * that deleted only some of the older files (a crash between two unlinks, a file held by
   * a virus scanner) leaves events whose only copy is in the fresh segment behind newer
   * ones still in the older files.
   */
  restoreOrder(): void {
    if (!this.#unordered) return;
    this.#unordered = false;
    const entries = [...this.live].sort(([a], [b]) => (a < b ? -1 : 1));
    this.live.clear();
    for (const [key, entry] of entries) this.live.set(key, entry);
  }
}
