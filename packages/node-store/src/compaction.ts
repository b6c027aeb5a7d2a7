import { join } from 'node:path';
import { quarantineFile } from './quarantine.js';
import type { SegmentFiles } from './segment-files.js';
import { addRecord, deleteRecord } from './segment-log.js';
import { syncDir } from './store-fs.js';

/**
 * After a write: roll a full segment, delete the oldest segments that hold no queued event,
 * and ask for a rewrite when most of the files are dead weight (one old undelivered event
 * pinning megabytes of delivered ones).
 *
 * @param files - the store's segment files
 */
export async function tidy(files: SegmentFiles): Promise<void> {
  const { fs, dir, index } = files;
  await files.rollIfFull();
  // Oldest first, and only a dead prefix: a removal record always sits in the same or a
  // later segment than the add it cancels, so a crash part-way never revives an event.
  for (const [n, segment] of index.segments) {
    if (segment.live > 0 || n === files.activeNumber || index.damaged.has(n)) break;
    try {
      await fs.unlink(join(dir, segment.name));
    } catch {
      break; // e.g. Windows: a virus scanner holds the file; try again next time
    }
    index.segments.delete(n);
  }
  const total = index.diskBytes();
  if (total > 4 * files.segmentBytes && index.liveBytes * 4 < total) index.rewriteWanted = true;
}

/**
 * Write every queued event into a fresh segment, then delete (or quarantine) all older
 * ones. Used to compact, to come back from memory after a disk failure, for `clear()`, and
 * to leave damaged files behind. Pending removals go into the new segment too, so that a
 * crash before the old files are gone cannot revive what was removed.
 *
 * @param files - the store's segment files
 */
export async function rewrite(files: SegmentFiles): Promise<void> {
  const { fs, dir, index } = files;
  index.rewriteWanted = false;
  await files.closeActive();
  const old = [...index.segments.keys()];
  const fresh = await files.openActive();
  // From here to the write, no await: the queue as it is now is what goes into the fresh
  // segment, and every event is placed in it before the write starts. A removal made while
  // the write runs then finds its event on disk and records the removal in the next round,
  // after these records (placed only afterwards, an event added since the last round looked
  // never written, and its removal was not recorded: it came back after a restart).
  const { dels } = index.takePending();
  const lines: string[] = [];
  index.liveBytes = 0;
  for (const n of old) index.segments.get(n)!.live = 0;
  for (const [key, entry] of index.live) {
    const line = addRecord(key, entry.event);
    index.place(entry, fresh.n, line.length + 1);
    lines.push(line);
  }
  if (dels.length) lines.push(deleteRecord(dels));
  const bytes = await files.writeLines(fresh.handle, lines);
  await fresh.handle.datasync();
  index.segments.get(fresh.n)!.bytes = bytes;
  for (const n of old) {
    const { name } = index.segments.get(n)!;
    try {
      if (index.damaged.has(n)) {
        await quarantineFile(fs, dir, name);
        index.damaged.delete(n);
      } else {
        await fs.unlink(join(dir, name));
      }
      index.segments.delete(n);
    } catch {
      break; // left for the next tidy; oldest-first order keeps it safe
    }
  }
  await syncDir(fs, dir);
}
