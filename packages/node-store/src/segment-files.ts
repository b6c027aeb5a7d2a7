import { join } from 'node:path';
import type { QueueIndex } from './queue-index.js';
import { addRecord, deleteRecord, segmentName } from './segment-log.js';
import { syncDir, writeAll, type StoreFileHandle, type StoreFs } from './store-fs.js';

/** The segment being appended to. */
export interface ActiveSegment {
  n: number;
  handle: StoreFileHandle;
}

/**
 * The segment files of one store directory: which one is open for appending, and the
 * append of pending adds and removals in one write and one fsync. Compaction
 * (`compaction.ts`) works on the same files through this object.
 */
export class SegmentFiles {
  readonly fs: StoreFs;
  readonly dir: string;
  readonly index: QueueIndex;
  /** Start a new segment past this size, in bytes. */
  readonly segmentBytes: number;
  #active: ActiveSegment | undefined;

  /**
   * @param fs - the file system
   * @param dir - the store directory
   * @param index - the store's state
   * @param segmentBytes - roll to a new segment past this size
   */
  constructor(fs: StoreFs, dir: string, index: QueueIndex, segmentBytes: number) {
    this.fs = fs;
    this.dir = dir;
    this.index = index;
    this.segmentBytes = segmentBytes;
  }

  /** Number of the segment open for appending, if any. */
  get activeNumber(): number | undefined {
    return this.#active?.n;
  }

  /** @returns the segment open for appending, creating a new one if none is */
  async openActive(): Promise<ActiveSegment> {
    if (this.#active) return this.#active;
    const n = this.index.nextSegment++;
    const name = segmentName(n);
    // 'wx': never append to a file we did not create (a torn tail would end up mid-file).
    const handle = await this.fs.open(join(this.dir, name), 'wx');
    this.index.segments.set(n, { name, live: 0, bytes: 0 });
    this.#active = { n, handle };
    await syncDir(this.fs, this.dir);
    return this.#active;
  }

  /** Close the active segment (errors ignored: it is being left either way). */
  async closeActive(): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close().catch(() => {});
  }

  /** Close the active segment once it has reached `segmentBytes`, so the next write starts another. */
  async rollIfFull(): Promise<void> {
    const active = this.#active;
    if (active && this.index.segments.get(active.n)!.bytes >= this.segmentBytes) {
      this.#active = undefined;
      await active.handle.close();
    }
  }

  /** Append the pending adds and removals to the active segment in one write and one fsync. */
  async append(): Promise<void> {
    const { index } = this;
    const { adds, dels } = index.takePending();
    const active = await this.openActive();
    const lines: string[] = [];
    for (const key of adds) {
      const entry = index.live.get(key);
      if (!entry || entry.seg) continue; // removed before it was written
      const line = addRecord(key, entry.event);
      // Placed before the write completes, so a removal made meanwhile is recorded too.
      index.place(entry, active.n, line.length + 1);
      lines.push(line);
    }
    if (dels.length) lines.push(deleteRecord(dels));
    if (!lines.length) return;
    const data = Buffer.from(`${lines.join('\n')}\n`);
    await writeAll(active.handle, data);
    await active.handle.datasync();
    index.segments.get(active.n)!.bytes += data.length;
  }

  /**
   * Write many lines in chunks of about a megabyte: one giant string would double the memory
   * of a big backlog.
   *
   * @param handle - an open segment
   * @param lines - records, without newlines
   * @returns the bytes written
   */
  async writeLines(handle: StoreFileHandle, lines: string[]): Promise<number> {
    let bytes = 0;
    for (let i = 0; i < lines.length; ) {
      const chunk: string[] = [];
      for (let size = 0; i < lines.length && size < 1024 * 1024; i++) size += lines[i]!.length, chunk.push(lines[i]!);
      const data = Buffer.from(`${chunk.join('\n')}\n`);
      await writeAll(handle, data);
      bytes += data.length;
    }
    return bytes;
  }
}
