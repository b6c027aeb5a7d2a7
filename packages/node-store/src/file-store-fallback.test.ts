import * as realFs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import type { StoreFs } from './store-fs.js';
import { useStoreFixture } from './test-support/store-fixture.js';
import { makeReadOnly, makeWritable, testEvent } from '@tidemark/test-kit';

const setup = useStoreFixture();

/**
 * The real file system on a disk with `space.bytes` left: a write that does not fit goes to
 * /dev/full, so the failure is the kernel's own ENOSPC.
 */
function diskWithSpace(space: { bytes: number }): StoreFs {
  return {
    ...realFs,
    open: async (path, flags) => {
      const handle = await realFs.open(path, flags);
      return {
        write: async (data, offset, length) => {
          if (length <= space.bytes) {
            space.bytes -= length;
            return handle.write(data, offset, length);
          }
          const full = await realFs.open('/dev/full', 'w');
          try {
            return await full.write(data, offset, length);
          } finally {
            await full.close();
          }
        },
        datasync: () => handle.datasync(),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
  };
}

const ids = async (store: FileStore) => (await store.peek(1e9)).map((e) => e.event.messageId);

describe('FileStore when the disk fails', () => {
  it('keeps working in memory on a full disk and warns once', async () => {
    const { open, warnings } = setup();
    const space = { bytes: 3000 };
    const store = open({ fs: diskWithSpace(space), retryMs: 60_000 });
    for (let i = 0; i < 30; i++) await store.add([testEvent(i)]);

    expect(store.kind).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('storage_unavailable');
    expect((warnings[0]!.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(await ids(store)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));

    // Delivered while in memory: must not come back from the old files later.
    const entries = await store.peek(5);
    await store.remove(entries.map((e) => e.key));
    expect(warnings).toHaveLength(1);

    // What reached the disk before it filled up is a clean prefix of the events; the events
    // removed in memory may come back after a restart (sent twice, deduplicated by messageId).
    await store.close();
    const onDisk = await ids(open());
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk).toEqual(Array.from({ length: onDisk.length }, (_, i) => String(i)));
    expect(onDisk.length).toBeLessThan(30);
    expect(warnings).toHaveLength(1);
  });

  it('writes everything it held in memory once the disk has room again', async () => {
    const { open, warnings } = setup();
    const space = { bytes: 2000 };
    const store = open({ fs: diskWithSpace(space), retryMs: 0 });
    for (let i = 0; i < 20; i++) await store.add([testEvent(i)]);
    expect(warnings).toHaveLength(1);
    await store.remove((await store.peek(3)).map((e) => e.key));

    space.bytes = 1e9;
    await store.add([testEvent('after')]); // retryMs 0: this write retries the disk
    expect(store.kind).toBe('file');
    await store.close();

    const expected = [...Array.from({ length: 17 }, (_, i) => String(i + 3)), 'after'];
    expect(await ids(open())).toEqual(expected);
    expect(warnings).toHaveLength(1);
  });

  it('works in memory when the directory refuses writes from the start (permission error)', async () => {
    const { dir, open, warnings, defer } = setup();
    makeReadOnly(dir);
    defer(() => makeWritable(dir));
    const store = open();
    await store.add([testEvent('a'), testEvent('b')]);
    await store.remove((await store.peek(1)).map((e) => e.key));
    expect(await ids(store)).toEqual(['b']);
    expect(store.kind).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(['EACCES', 'EPERM']).toContain((warnings[0]!.cause as NodeJS.ErrnoException).code);
  });

  it('falls back when the directory turns read-only while running', async () => {
    const { dir, open, warnings, defer } = setup();
    // A 1-byte segment size makes every write start a new file, which the directory refuses.
    const store = open({ segmentBytes: 1, retryMs: 60_000 });
    await store.add([testEvent('before')]);
    expect(warnings).toEqual([]);
    makeReadOnly(dir);
    defer(() => makeWritable(dir));
    await store.add([testEvent('during-1')]);
    await store.add([testEvent('during-2')]);
    expect(store.kind).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(await ids(store)).toEqual(['before', 'during-1', 'during-2']);
  });
});
