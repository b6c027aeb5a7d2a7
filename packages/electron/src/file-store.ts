import { join } from 'node:path';
import { TidemarkError, type QueueEntry, type QueueStore, type TidemarkEvent } from '@tidemark/core';
import { addRecord, deleteRecord, parseSegment, segmentName, segmentNumber } from './segment-log.js';
import { nodeStoreFs, syncDir, writeAll, type StoreFileHandle, type StoreFs } from './store-fs.js';
import { acquireStoreLock } from './store-lock.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Directory of the queue; created if missing. One process owns it at a time. */
  dir: string;
  /**
   * Told once each time the store stops writing to disk (a full disk, a permission error,
   * the directory owned by another running instance) or quarantines a damaged file; the
   * error's code is `storage_unavailable` and its `cause` the platform error.
   */
  onWarning?: (error: TidemarkError) => void;
  /** Start a new segment file past this size, in bytes. @default 1048576 (1 MiB) */
  segmentBytes?: number;
  /** After a write failure, try the disk again this long later (on the next call), in ms. @default 30000 */
  retryMs?: number;
  /** The file system. @default `node:fs/promises` */
  fs?: StoreFs;
}

/** An event in the store; `seg` is the segment holding its add record (0: not written yet). */
interface Entry {
  event: TidemarkEvent;
  seg: number;
  bytes: number;
}

/** A segment file: how many of its added events are still queued, and its size. */
interface Segment {
  name: string;
  live: number;
  bytes: number;
}

const QUARANTINE_DIR = 'quarantine';

/**
 * A {@link QueueStore} in plain files, for Electron's main process or any Node process.
 *
 * Events are appended as JSON lines to segment files; removals append the removed keys.
 * Writes made in the same tick, and those made while an fsync runs, share one write and one
 * `fdatasync` (group commit), so `add()` resolves once the events are on disk, typically
 * within a few milliseconds, without an fsync per event. Segments whose events are all gone
 * are deleted, oldest first; when little of the files is still live they are rewritten.
 *
 * After a crash, a torn last line is skipped; a file damaged in the middle has its readable
 * records kept and is moved to `quarantine/`. A full disk or a permission error makes the
 * store continue in memory and say so once through `onWarning`; it never throws.
 *
 * @example
 * const store = new FileStore({ dir: join(app.getPath('userData'), 'tidemark', 'queue') });
 * await store.add([event]); // durable now
 */
export class FileStore implements QueueStore {
  readonly #dir: string;
  readonly #fs: StoreFs;
  readonly #segmentBytes: number;
  readonly #retryMs: number;
  readonly #onWarning: (error: TidemarkError) => void;
  /** Queued events by key, in key order (which is the order of adding). */
  readonly #live = new Map<string, Entry>();
  /** Segment files on disk by number, in ascending order. */
  readonly #segments = new Map<number, Segment>();
  /** Damaged segment numbers to move to quarantine at the next rewrite. */
  readonly #damaged = new Set<number>();
  #opening: Promise<void> | undefined;
  #active: { n: number; handle: StoreFileHandle } | undefined;
  #nextSegment = 1;
  #nextKey = 1;
  #liveBytes = 0;
  #pendingAdds: string[] = [];
  #pendingDels: string[] = [];
  #waiters: Array<() => void> = [];
  #rewriteWanted = false;
  /** `memory`: writing failed, retry later; `stuck`: memory for good (set-up failed); `closed`. */
  #mode: 'file' | 'memory' | 'stuck' | 'closed' = 'file';
  #failedAt = 0;
  #working: Promise<void> | undefined;
  #releaseLock: (() => Promise<void>) | undefined;

  /** @param options - see {@link FileStoreOptions} */
  constructor(options: FileStoreOptions) {
    if (!options || typeof options.dir !== 'string' || !options.dir) {
      throw new TidemarkError('invalid_option', "FileStore needs a directory (pass { dir: join(app.getPath('userData'), 'tidemark', 'queue') })");
    }
    this.#dir = options.dir;
    this.#fs = options.fs ?? nodeStoreFs;
    this.#segmentBytes = options.segmentBytes ?? 1024 * 1024;
    this.#retryMs = options.retryMs ?? 30_000;
    this.#onWarning = options.onWarning ?? (() => {});
  }

  /** Opened on first use, so that making a store never touches the disk by itself. */
  get #ready(): Promise<void> {
    return (this.#opening ??= this.#open());
  }

  /** `'file'`, or `'memory'` while the disk cannot be written. */
  get kind(): string {
    return this.#mode === 'file' || this.#mode === 'closed' ? 'file' : 'memory';
  }

  /**
   * Append events; resolves once they are durable (or kept in memory after a disk failure).
   *
   * @param events - validated events
   */
  async add(events: TidemarkEvent[]): Promise<void> {
    await this.#ready;
    for (const event of events) {
      const key = String(this.#nextKey++).padStart(16, '0');
      this.#live.set(key, { event, seg: 0, bytes: 0 });
      if (this.#mode !== 'closed') this.#pendingAdds.push(key);
    }
    if (events.length) await this.#persist();
  }

  /**
   * The oldest entries, without removing them.
   *
   * @param limit - most entries to return
   * @returns entries in the order they were added
   */
  async peek(limit: number): Promise<QueueEntry[]> {
    await this.#ready;
    const out: QueueEntry[] = [];
    for (const [key, entry] of this.#live) {
      if (out.length >= limit) break;
      out.push({ key, event: entry.event });
    }
    return out;
  }

  /**
   * Remove entries; resolves once the removal is recorded on disk. Unknown keys are ignored.
   *
   * @param keys - keys from {@link FileStore.peek}
   */
  async remove(keys: string[]): Promise<void> {
    await this.#ready;
    let written = 0;
    for (const key of keys) {
      const entry = this.#live.get(key);
      if (!entry) continue;
      this.#live.delete(key);
      // Never written: dropping it from memory is all it takes (the writer skips it).
      if (!entry.seg) continue;
      this.#forget(entry);
      if (this.#mode !== 'closed') this.#pendingDels.push(key), written++;
    }
    if (written) await this.#persist();
  }

  /** @returns how many events are queued */
  async count(): Promise<number> {
    await this.#ready;
    return this.#live.size;
  }

  /** Remove every event; the files are rewritten so none of them can come back after a crash. */
  async clear(): Promise<void> {
    await this.#ready;
    for (const [key, entry] of this.#live) if (entry.seg) this.#pendingDels.push(key);
    this.#live.clear();
    this.#pendingAdds = [];
    for (const segment of this.#segments.values()) segment.live = 0;
    this.#liveBytes = 0;
    if (this.#mode === 'closed') return;
    this.#rewriteWanted = true;
    await this.#persist();
  }

  /** Finish pending writes and release the file and the directory lock. Later calls work in memory only. */
  async close(): Promise<void> {
    await this.#ready;
    if (this.#mode === 'closed') return;
    await this.#persist();
    this.#mode = 'closed';
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close().catch(() => {});
    await this.#releaseLock?.();
  }

  #forget(entry: Entry): void {
    const segment = this.#segments.get(entry.seg);
    if (segment) segment.live--;
    this.#liveBytes -= entry.bytes;
  }

  /** Resolves when everything requested so far has been written (or given up on). */
  #persist(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#startWriter();
    });
  }

  #startWriter(): void {
    if (this.#working) return; // the running writer takes new requests in its next round
    // Wait one turn of the event loop so that calls made together share a write.
    this.#working = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#work())
      .catch(() => {})
      .finally(() => {
        this.#working = undefined;
        if (this.#waiters.length) this.#startWriter();
      });
  }

  async #work(): Promise<void> {
    while (this.#waiters.length) {
      const waiters = this.#waiters.splice(0);
      if (this.#mode === 'memory' && Date.now() - this.#failedAt >= this.#retryMs) this.#rewriteWanted = true;
      if (this.#mode === 'file' || (this.#mode === 'memory' && this.#rewriteWanted)) {
        try {
          if (this.#rewriteWanted) await this.#rewrite();
          else await this.#append();
          this.#mode = 'file';
          await this.#tidy();
        } catch (err) {
          await this.#fallBack(err);
        }
      } else {
        // In memory: nothing goes to disk.
        this.#pendingAdds = [];
        this.#pendingDels = [];
        this.#rewriteWanted = false;
      }
      for (const resolve of waiters) resolve();
    }
  }

  /** Append the pending adds and removals to the active segment in one write and one fsync. */
  async #append(): Promise<void> {
    const adds = this.#pendingAdds;
    const dels = this.#pendingDels;
    this.#pendingAdds = [];
    this.#pendingDels = [];
    const active = await this.#openActive();
    const segment = this.#segments.get(active.n)!;
    const lines: string[] = [];
    for (const key of adds) {
      const entry = this.#live.get(key);
      if (!entry || entry.seg) continue; // removed before it was written
      const line = addRecord(key, entry.event);
      // Marked before the write completes, so a removal made meanwhile is recorded too.
      entry.seg = active.n;
      entry.bytes = line.length + 1;
      segment.live++;
      this.#liveBytes += entry.bytes;
      lines.push(line);
    }
    if (dels.length) lines.push(deleteRecord(dels));
    if (!lines.length) return;
    const data = Buffer.from(`${lines.join('\n')}\n`);
    await writeAll(active.handle, data);
    await active.handle.datasync();
    segment.bytes += data.length;
  }

  async #openActive(): Promise<{ n: number; handle: StoreFileHandle }> {
    if (this.#active) return this.#active;
    const n = this.#nextSegment++;
    const name = segmentName(n);
    // 'wx': never append to a file we did not create (a torn tail would end up mid-file).
    const handle = await this.#fs.open(join(this.#dir, name), 'wx');
    this.#segments.set(n, { name, live: 0, bytes: 0 });
    this.#active = { n, handle };
    await syncDir(this.#fs, this.#dir);
    return this.#active;
  }

  /**
   * Roll a full segment, delete the oldest segments that hold no queued event, and ask for a
   * rewrite when most of the files are dead weight.
   */
  async #tidy(): Promise<void> {
    const active = this.#active;
    if (active && this.#segments.get(active.n)!.bytes >= this.#segmentBytes) {
      this.#active = undefined;
      await active.handle.close();
    }
    // Oldest first, and only a dead prefix: a removal record always sits in the same or a
    // later segment than the add it cancels, so a crash part-way never revives an event.
    for (const [n, segment] of this.#segments) {
      if (segment.live > 0 || n === this.#active?.n || this.#damaged.has(n)) break;
      try {
        await this.#fs.unlink(join(this.#dir, segment.name));
      } catch {
        break; // e.g. Windows: a virus scanner holds the file; try again next time
      }
      this.#segments.delete(n);
    }
    let total = 0;
    for (const segment of this.#segments.values()) total += segment.bytes;
    if (total > 4 * this.#segmentBytes && this.#liveBytes * 4 < total) this.#rewriteWanted = true;
  }

  /**
   * Write every queued event into a fresh segment, then delete (or quarantine) all older
   * ones. Used to compact, to come back from memory after a disk failure, for `clear()`, and
   * to leave damaged files behind. Pending removals go into the new segment too, so that a
   * crash before the old files are gone cannot revive what was removed.
   */
  async #rewrite(): Promise<void> {
    this.#rewriteWanted = false;
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close().catch(() => {});
    const old = [...this.#segments.keys()];
    const dels = this.#pendingDels;
    const entries = [...this.#live];
    this.#pendingAdds = [];
    this.#pendingDels = [];
    const fresh = await this.#openActive();
    const lines = entries.map(([key, entry]) => addRecord(key, entry.event));
    if (dels.length) lines.push(deleteRecord(dels));
    let bytes = 0;
    // Chunks of about a megabyte: one giant string would double the memory of a big backlog.
    for (let i = 0; i < lines.length; ) {
      const chunk: string[] = [];
      for (let size = 0; i < lines.length && size < 1024 * 1024; i++) size += lines[i]!.length, chunk.push(lines[i]!);
      const data = Buffer.from(`${chunk.join('\n')}\n`);
      await writeAll(fresh.handle, data);
      bytes += data.length;
    }
    await fresh.handle.datasync();
    const segment = this.#segments.get(fresh.n)!;
    segment.bytes = bytes;
    this.#liveBytes = 0;
    entries.forEach(([key, entry], i) => {
      if (this.#live.get(key) !== entry) return; // removed while we wrote: its removal is pending
      entry.seg = fresh.n;
      entry.bytes = lines[i]!.length + 1;
      segment.live++;
      this.#liveBytes += entry.bytes;
    });
    for (const n of old) this.#segments.get(n)!.live = 0;
    for (const n of old) {
      const { name } = this.#segments.get(n)!;
      try {
        if (this.#damaged.has(n)) {
          await this.#fs.mkdir(join(this.#dir, QUARANTINE_DIR), { recursive: true });
          await this.#fs.rename(join(this.#dir, name), join(this.#dir, QUARANTINE_DIR, `${name}.${Date.now()}`));
          this.#damaged.delete(n);
        } else {
          await this.#fs.unlink(join(this.#dir, name));
        }
        this.#segments.delete(n);
      } catch {
        break; // left for the next tidy; oldest-first order keeps it safe
      }
    }
    await syncDir(this.#fs, this.#dir);
  }

  async #fallBack(cause: unknown): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close().catch(() => {});
    this.#pendingAdds = [];
    this.#pendingDels = [];
    this.#failedAt = Date.now();
    if (this.#mode !== 'file') return; // already in memory: said so once
    this.#mode = 'memory';
    const code = (cause as NodeJS.ErrnoException)?.code ?? 'error';
    this.#onWarning(
      new TidemarkError('storage_unavailable', `Writing the event queue in ${this.#dir} failed (${code}); events are kept in memory until the disk works again`, cause),
    );
  }

  /** Load the segments: replay adds and removals in file order, and note damaged files. */
  async #open(): Promise<void> {
    const fs = this.#fs;
    try {
      await fs.mkdir(this.#dir, { recursive: true });
      const lock = await acquireStoreLock(fs, this.#dir);
      if (!lock.held) {
        this.#mode = 'stuck';
        this.#onWarning(new TidemarkError('storage_unavailable', `The event queue in ${this.#dir} is in use by process ${lock.pid}; this instance keeps its events in memory`));
        return;
      }
      this.#releaseLock = lock.release;
      const found = (await fs.readdir(this.#dir))
        .map((name) => ({ name, n: segmentNumber(name) }))
        .filter((s): s is { name: string; n: number } => s.n !== undefined)
        .sort((a, b) => a.n - b.n);
      let maxKey = 0;
      for (const { name, n } of found) {
        this.#nextSegment = Math.max(this.#nextSegment, n + 1);
        const segment: Segment = { name, live: 0, bytes: 0 };
        this.#segments.set(n, segment);
        const path = join(this.#dir, name);
        // A directory or a link where a segment should be is not ours to read (a link to
        // /dev/zero would never end).
        if (!(await fs.lstat(path)).isFile()) {
          this.#damaged.add(n);
          continue;
        }
        const bytes = await fs.readFile(path);
        segment.bytes = bytes.length;
        const parsed = parseSegment(new TextDecoder().decode(bytes));
        if (parsed.corruptLines) this.#damaged.add(n);
        parsed.records.forEach((record, i) => {
          if ('k' in record) {
            maxKey = Math.max(maxKey, Number(record.k) || 0);
            const seen = this.#live.get(record.k);
            // Seen before: an interrupted rewrite left both copies. Keep the first place in
            // the order, count it in the newer file.
            if (seen) this.#forget(seen);
            const entry: Entry = { event: record.e, seg: n, bytes: parsed.sizes[i]! };
            this.#live.set(record.k, entry);
            segment.live++;
            this.#liveBytes += entry.bytes;
          } else {
            for (const key of record.d) {
              maxKey = Math.max(maxKey, Number(key) || 0);
              const entry = this.#live.get(key);
              if (entry) this.#live.delete(key), this.#forget(entry);
            }
          }
        });
      }
      this.#nextKey = maxKey + 1;
      if (this.#damaged.size) {
        const count = this.#damaged.size;
        await this.#rewrite();
        this.#onWarning(
          new TidemarkError('storage_unavailable', `${count} damaged queue file(s) moved to ${join(this.#dir, QUARANTINE_DIR)}; their readable events were kept`),
        );
      }
    } catch (err) {
      this.#mode = 'stuck';
      this.#onWarning(new TidemarkError('storage_unavailable', `The event queue in ${this.#dir} cannot be used (${(err as NodeJS.ErrnoException)?.code ?? 'error'}); events are kept in memory`, err));
    }
  }
}
