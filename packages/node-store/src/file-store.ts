import { TidemarkError, type QueueEntry, type QueueStore, type TidemarkEvent } from '@tidemark/core';
import { rewrite, tidy } from './compaction.js';
import { DiskMode, errorCode } from './disk-mode.js';
import { GroupCommit } from './group-commit.js';
import { quarantineWarning } from './quarantine.js';
import { QueueIndex } from './queue-index.js';
import { SegmentFiles } from './segment-files.js';
import { loadSegments } from './segment-load.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';
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
  readonly #onWarning: (error: TidemarkError) => void;
  readonly #index = new QueueIndex();
  readonly #files: SegmentFiles;
  readonly #disk: DiskMode;
  readonly #commit = new GroupCommit(() => this.#round());
  #opening: Promise<void> | undefined;
  /** Set when `close()` is called: from then on calls work in memory only. */
  #closing: Promise<void> | undefined;
  #releaseLock: (() => Promise<void>) | undefined;

  /** @param options - see {@link FileStoreOptions} */
  constructor(options: FileStoreOptions) {
    if (!options || typeof options.dir !== 'string' || !options.dir) {
      throw new TidemarkError('invalid_option', "FileStore needs a directory (pass { dir: join(app.getPath('userData'), 'tidemark', 'queue') })");
    }
    this.#dir = options.dir;
    this.#fs = options.fs ?? nodeStoreFs;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#files = new SegmentFiles(this.#fs, this.#dir, this.#index, options.segmentBytes ?? 1024 * 1024);
    this.#disk = new DiskMode(this.#dir, options.retryMs ?? 30_000, this.#onWarning);
  }

  /** Opened on first use, so that making a store never touches the disk by itself. */
  get #ready(): Promise<void> {
    return (this.#opening ??= this.#open());
  }

  /** `'file'`, or `'memory'` while the disk cannot be written. */
  get kind(): string {
    return this.#disk.kind;
  }

  /**
   * Append events; resolves once they are durable (or kept in memory after a disk failure).
   *
   * @param events - validated events
   */
  async add(events: TidemarkEvent[]): Promise<void> {
    await this.append(events);
  }

  /**
   * {@link FileStore.add}, resolving with the keys the events were given: for a caller that
   * keeps its own view of the queue (the server client's spool) and removes by key.
   *
   * @param events - validated events
   * @returns their keys, in the order of `events`, once they are durable
   * @example const [key] = await store.append([event]); … await store.remove([key]);
   */
  async append(events: TidemarkEvent[]): Promise<string[]> {
    const toDisk = !this.#closing; // told at the call: close() may come while this waits
    await this.#ready;
    const index = this.#index;
    const keys: string[] = [];
    for (const event of events) {
      const key = index.newKey();
      index.live.set(key, { event, seg: 0, bytes: 0 });
      if (toDisk) index.pendingAdds.push(key);
      keys.push(key);
    }
    if (events.length && toDisk) await this.#commit.request();
    return keys;
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
    for (const [key, entry] of this.#index.live) {
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
    const toDisk = !this.#closing;
    await this.#ready;
    const index = this.#index;
    let written = 0;
    for (const key of keys) {
      const entry = index.live.get(key);
      if (!entry) continue;
      index.live.delete(key);
      // Never written: dropping it from memory is all it takes (the writer skips it).
      if (!entry.seg) continue;
      index.forget(entry);
      if (toDisk) index.pendingDels.push(key), written++;
    }
    if (written) await this.#commit.request();
  }

  /** @returns how many events are queued */
  async count(): Promise<number> {
    await this.#ready;
    return this.#index.live.size;
  }

  /** Remove every event; the files are rewritten so none of them can come back after a crash. */
  async clear(): Promise<void> {
    const toDisk = !this.#closing;
    await this.#ready;
    const index = this.#index;
    for (const [key, entry] of index.live) if (entry.seg) index.pendingDels.push(key);
    index.live.clear();
    index.pendingAdds = [];
    for (const segment of index.segments.values()) segment.live = 0;
    index.liveBytes = 0;
    if (!toDisk) return;
    index.rewriteWanted = true;
    await this.#commit.request();
  }

  /** Finish pending writes and release the file and the directory lock. Later calls work in memory only. */
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  async #close(): Promise<void> {
    await this.#ready;
    // Calls made from now on queue nothing for disk, so the round that serves this request
    // writes the last of it and no round runs after it. (When later calls still queued
    // writes, the round they started could be writing as the file was closed here: the
    // write failed, and their add() resolved with nothing on disk.)
    await this.#commit.request();
    this.#disk.close();
    await this.#files.closeActive();
    await this.#releaseLock?.();
  }

  /** One group-commit round: append, or rewrite everything, or (in memory) let the pending writes go. */
  async #round(): Promise<void> {
    const index = this.#index;
    if (this.#disk.retryDue()) index.rewriteWanted = true;
    if (!this.#disk.writes(index.rewriteWanted)) {
      // In memory: nothing goes to disk.
      index.takePending();
      index.rewriteWanted = false;
      return;
    }
    try {
      if (index.rewriteWanted) await rewrite(this.#files);
      else await this.#files.append();
      this.#disk.wrote();
      await tidy(this.#files);
    } catch (err) {
      await this.#files.closeActive();
      index.takePending();
      this.#disk.failed(err);
    }
  }

  /** Take the directory's lock and load its segments; on any failure, memory for good. */
  async #open(): Promise<void> {
    const fs = this.#fs;
    try {
      await fs.mkdir(this.#dir, { recursive: true });
      const lock = await acquireStoreLock(fs, this.#dir);
      if (!lock.held) {
        this.#disk.stuck(new TidemarkError('storage_unavailable', `The event queue in ${this.#dir} is in use by process ${lock.pid}; this instance keeps its events in memory`));
        return;
      }
      this.#releaseLock = lock.release;
      await loadSegments(fs, this.#dir, this.#index);
      const damaged = this.#index.damaged.size;
      if (damaged) {
        await rewrite(this.#files);
        this.#onWarning(quarantineWarning(this.#dir, damaged));
      }
    } catch (err) {
      this.#disk.stuck(new TidemarkError('storage_unavailable', `The event queue in ${this.#dir} cannot be used (${errorCode(err)}); events are kept in memory`, err));
    }
  }
}
