// Calls that overlap a write: a removal while the files are rewritten, an add while close()
// runs, two stores opening one directory at once, and a rewrite that could delete only some
// of the older files. Each file-system wrapper only delays or watches the real calls, so a
// real race window is held open long enough to act in it.
import * as realFs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { FileStore } from './file-store.js';
import type { StoreFs } from './store-fs.js';
import { useStoreFixture } from './test-support/store-fixture.js';
import { testEvent } from '@tidemark/test-kit';

const setup = useStoreFixture();

const ids = async (store: FileStore) => (await store.peek(1e9)).map((e) => e.event.messageId);

/** The real file system, where opening a new segment calls `hook.onOpen` and then waits 50 ms. */
function slowSegmentOpen(hook: { onOpen?: () => void }): StoreFs {
  return {
    ...realFs,
    open: async (path, flags) => {
      if (flags === 'wx' && path.includes('seg-')) {
        hook.onOpen?.();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return realFs.open(path, flags);
    },
  };
}

/** Remove the queued event with this messageId. */
async function deliver(store: FileStore, id: string): Promise<void> {
  const entries = await store.peek(1e9);
  await store.remove(entries.filter((e) => e.event.messageId === id).map((e) => e.key));
}

describe('FileStore, calls during a write', () => {
  it('keeps an event removed during clear()’s rewrite removed after a restart', async () => {
    const { open } = setup();
    const hook: { onOpen?: () => void } = {};
    const store = open({ fs: slowSegmentOpen(hook) });
    await store.add([testEvent('old')]);
    const cleared = store.clear(); // a rewrite
    const added = store.add([testEvent('y')]); // not written yet when the rewrite starts
    let removed: Promise<void> | undefined;
    hook.onOpen = () => {
      hook.onOpen = undefined;
      removed = deliver(store, 'y'); // delivered while the rewrite opens its fresh segment
    };
    await Promise.all([cleared, added]);
    await removed;
    expect(removed).toBeDefined();
    expect(await store.count()).toBe(0);
    await store.close();
    expect(await ids(open())).toEqual([]);
  });

  it('keeps events delivered during compaction rewrites removed after a restart', async () => {
    const { open } = setup();
    const hook: { onOpen?: () => void } = {};
    const store = open({ fs: slowSegmentOpen(hook), segmentBytes: 2000 });
    await store.add([testEvent('pinned')]); // one old event: the delivered ones behind it get compacted
    let raced = 0;
    let previous: string | undefined;
    for (let i = 0; i < 80; i++) {
      // A busy app: each round delivers the last event and adds a new one.
      const delivered = previous ? store.remove([previous]) : Promise.resolve();
      const added = store.append([testEvent(`d${i}`)]);
      let early: Promise<void> | undefined;
      hook.onOpen = () => {
        hook.onOpen = undefined;
        raced++;
        early = deliver(store, `d${i}`); // delivered while a segment is being opened
      };
      const [key] = await added;
      await delivered;
      hook.onOpen = undefined;
      await early;
      previous = early ? undefined : key;
    }
    if (previous) await store.remove([previous]);
    expect(raced).toBeGreaterThan(0);
    expect(await ids(store)).toEqual(['pinned']);
    await store.close();
    expect(await ids(open())).toEqual(['pinned']);
  });

  it('writes what was added before close(), and nothing after it to a closed file', async () => {
    const { open, warnings } = setup();
    const resolved: string[] = [];
    const failed: string[] = [];
    let closed: Promise<void> | undefined;
    let late: Promise<unknown> | undefined;
    let syncs = 0;
    let store!: FileStore;
    const track = (id: string) => store.add([testEvent(id)]).then(() => void resolved.push(id));
    const fs: StoreFs = {
      ...realFs,
      open: async (path, flags) => {
        const handle = await realFs.open(path, flags);
        return {
          write: (data, offset, length) => handle.write(data, offset, length).catch((err: NodeJS.ErrnoException) => {
            failed.push(String(err.code));
            throw err;
          }),
          // The first segment sync: `d` and then close() are called (one round serves both).
          // The second: `c`, after close() was called but before it resolved.
          datasync: () => {
            syncs++;
            if (syncs === 1) (late = track('d')), (closed = store.close().then(() => void resolved.push('close')));
            if (syncs === 2) late = Promise.all([late, track('c')]);
            return handle.datasync();
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    };
    store = open({ fs });
    await track('a');
    await closed;
    await late;
    // Calls made after close() work in memory only, as documented: `c` resolves, and is
    // not written (before, its round wrote to the file close() was closing, and failed).
    expect(resolved.sort()).toEqual(['a', 'c', 'close', 'd']);
    expect(failed).toEqual([]);
    expect(await ids(open())).toEqual(['a', 'd']);
    expect(warnings).toEqual([]);
  });

  it('lets only one of two stores opening one directory at once own it', async () => {
    const { open, warnings } = setup();
    const a = open();
    const b = open();
    await Promise.all([a.count(), b.count()]);
    expect([a.kind, b.kind].sort()).toEqual(['file', 'memory']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('is in use by process')]);
    const [owner, other] = a.kind === 'file' ? [a, b] : [b, a];
    await owner.add([testEvent('on-disk-1')]);
    await other.add([testEvent('in-memory')]);
    await owner.add([testEvent('on-disk-2')]);
    await owner.close();
    await other.close();
    expect(await ids(open())).toEqual(['on-disk-1', 'on-disk-2']);
  });

  it('waits for the PID of a lock file another process has just created', async () => {
    const { dir, open, warnings } = setup();
    // Another process (our parent: alive) created the lock and writes its PID 120 ms later.
    await realFs.writeFile(`${dir}/lock`, '');
    const written = new Promise((resolve) => setTimeout(resolve, 120)).then(() => realFs.writeFile(`${dir}/lock`, String(process.ppid)));
    const store = open();
    expect(await store.count()).toBe(0);
    await written;
    expect(store.kind).toBe('memory');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`in use by process ${process.ppid}`)]);
  });

  it('keeps the order of adding when a rewrite could delete only some of the older files', async () => {
    const { open } = setup();
    let refuse = false;
    const fs: StoreFs = {
      ...realFs,
      // A crash (or a virus scanner holding the file) after the first old segment was deleted.
      unlink: async (path) => {
        if (refuse && path.endsWith('seg-000002.jsonl')) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
        return realFs.unlink(path);
      },
    };
    const store = open({ fs, segmentBytes: 200 });
    await store.add([testEvent('p1')]);
    await store.add([testEvent('p2')]);
    refuse = true;
    for (let i = 0; i < 40; i++) {
      const [key] = await store.append([testEvent(`x${i}`)]);
      await store.remove([key!]);
    }
    expect(await ids(store)).toEqual(['p1', 'p2']);
    await store.close();
    expect(await ids(open())).toEqual(['p1', 'p2']);
  });
});
