import { join } from 'node:path';
import type { QueueIndex } from './queue-index.js';
import { parseSegment, segmentNumber } from './segment-log.js';
import type { StoreFs } from './store-fs.js';

/**
 * Read every segment file of a directory into the index, oldest first: replay adds and
 * removals in file order, and mark damaged files (unreadable lines in the middle, or not a
 * plain file at all) for quarantine.
 *
 * @param fs - the file system
 * @param dir - the store directory (locked by this process)
 * @param index - an empty index to fill
 * @throws the file-system error when the directory or a file cannot be read
 */
export async function loadSegments(fs: StoreFs, dir: string, index: QueueIndex): Promise<void> {
  const found = (await fs.readdir(dir))
    .map((name) => ({ name, n: segmentNumber(name) }))
    .filter((s): s is { name: string; n: number } => s.n !== undefined)
    .sort((a, b) => a.n - b.n);
  for (const { name, n } of found) {
    index.nextSegment = Math.max(index.nextSegment, n + 1);
    const segment = { name, live: 0, bytes: 0 };
    index.segments.set(n, segment);
    const path = join(dir, name);
    // A directory or a link where a segment should be is not ours to read (a link to
    // /dev/zero would never end).
    if (!(await fs.lstat(path)).isFile()) {
      index.damaged.add(n);
      continue;
    }
    const bytes = await fs.readFile(path);
    segment.bytes = bytes.length;
    const parsed = parseSegment(new TextDecoder().decode(bytes));
    if (parsed.corruptLines) index.damaged.add(n);
    index.replay(n, parsed);
  }
  index.restoreOrder();
}
