import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as realFs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { addRecord, deleteRecord } from './segment-log.js';
import type { StoreFs } from './store-fs.js';
import { useStoreFixture } from './test-support/store-fixture.js';
import { testEvent } from '@tidemark/test-kit';

const setup = useStoreFixture();

const ids = async (store: FileStore) => (await store.peek(1e9)).map((e) => e.event.messageId);

describe('FileStore', () => {
  it('keeps events in order across a restart, with unique keys that keep growing', async () => {
    const { open, warnings } = setup();
    const first = open();
    await first.add([testEvent('a'), testEvent('b')]);
    await first.add([testEvent('c')]);
    const before = await first.peek(10);
    await first.close();

    const second = open();
    expect(await ids(second)).toEqual(['a', 'b', 'c']);
    expect((await second.peek(10)).map((e) => e.key)).toEqual(before.map((e) => e.key));
    await second.remove(before.map((e) => e.key));
    await second.add([testEvent('d')]);
    const [d] = await second.peek(1);
    // A key never comes back: an old removal record must not cancel a new event.
    expect(d!.key > before[2]!.key).toBe(true);
    expect(new Set([...before.map((e) => e.key), d!.key]).size).toBe(4);
    expect(warnings).toEqual([]);
  });

  it('has an added event in its file once add() resolves', async () => {
    const { dir, open, segments } = setup();
    const store = open();
    await store.add([testEvent('durable-1')]);
    const text = readFileSync(join(dir, segments()[0]!), 'utf8');
    expect(text).toContain('"messageId":"durable-1"');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes the calls of one tick with one fsync, not one per event', async () => {
    const { open } = setup();
    let syncs = 0;
    const counting: StoreFs = {
      ...realFs,
      open: async (path, flags) => {
        const handle = await realFs.open(path, flags);
        return Object.assign(Object.create(handle), { datasync: () => (syncs++, handle.datasync()) });
      },
    };
    const store = open({ fs: counting });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.add([testEvent(i)])));
    expect(await store.count()).toBe(1000);
    expect(syncs).toBeLessThanOrEqual(2);
  });

  it('records removals, so removed events stay removed after a restart', async () => {
    const { open } = setup();
    const store = open();
    await store.add(Array.from({ length: 10 }, (_, i) => testEvent(i)));
    const entries = await store.peek(10);
    await store.remove(entries.filter((_, i) => i % 2 === 0).map((e) => e.key));
    await store.remove(['no-such-key']);
    expect(await store.count()).toBe(5);
    await store.close();
    expect(await ids(open())).toEqual(['1', '3', '5', '7', '9']);
  });

  it('deletes segment files whose events are all delivered', async () => {
    const { open, segments } = setup();
    const store = open({ segmentBytes: 2048 });
    for (let round = 0; round < 20; round++) {
      await store.add(Array.from({ length: 10 }, (_, i) => testEvent(`${round}-${i}`)));
      await store.remove((await store.peek(100)).map((e) => e.key));
    }
    expect(await store.count()).toBe(0);
    expect(segments().length).toBeLessThanOrEqual(1);
  });

  it('rewrites the files when an old event pins a segment, keeping that event exactly once', async () => {
    const { dir, open, segments } = setup();
    const store = open({ segmentBytes: 2048 });
    await store.add([testEvent('pinned')]);
    for (let round = 0; round < 60; round++) {
      await store.add(Array.from({ length: 10 }, (_, i) => testEvent(`${round}-${i}`, { pad: 'x'.repeat(100) })));
      const entries = await store.peek(100);
      await store.remove(entries.filter((e) => e.event.messageId !== 'pinned').map((e) => e.key));
    }
    const bytes = segments().reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    // 60 rounds wrote ~200 KB; without compaction the pinned first segment would keep all of it.
    expect(bytes).toBeLessThan(5 * 2048 + 1024);
    await store.close();
    expect(await ids(open())).toEqual(['pinned']);
  });

  it('clear() removes everything, also after a restart', async () => {
    const { open } = setup();
    const store = open();
    await store.add([testEvent(1), testEvent(2)]);
    await store.clear();
    expect(await store.count()).toBe(0);
    await store.add([testEvent(3)]);
    await store.close();
    expect(await ids(open())).toEqual(['3']);
  });

  it('skips a torn last line without complaint', async () => {
    const { dir, open, warnings } = setup();
    const whole = [addRecord('0000000000000001', testEvent('kept-1')), addRecord('0000000000000002', testEvent('kept-2'))];
    const torn = addRecord('0000000000000003', testEvent('torn')).slice(0, 40);
    writeFileSync(join(dir, 'seg-000001.jsonl'), `${whole.join('\n')}\n${torn}`);
    const store = open();
    expect(await ids(store)).toEqual(['kept-1', 'kept-2']);
    await store.add([testEvent('after')]);
    expect(await ids(store)).toEqual(['kept-1', 'kept-2', 'after']);
    expect(warnings).toEqual([]);
    expect(readdirSync(dir)).not.toContain('quarantine');
  });

  it('quarantines a segment damaged in the middle, keeping its readable events, and warns once', async () => {
    const { dir, open, warnings, segments } = setup();
    const lines = [
      addRecord('0000000000000001', testEvent('one')),
      '{"k":"0000000000000002","e":{"messageId":"tw\u0000\u0000garbage',
      addRecord('0000000000000003', testEvent('three')),
      deleteRecord(['0000000000000001']),
      addRecord('0000000000000004', testEvent('four')),
    ];
    writeFileSync(join(dir, 'seg-000001.jsonl'), `${lines.join('\n')}\n`);
    const store = open();
    expect(await ids(store)).toEqual(['three', 'four']);
    expect(warnings.map((w) => w.code)).toEqual(['storage_unavailable']);
    expect(warnings[0]!.message).toMatch(/quarantine/);
    expect(readdirSync(join(dir, 'quarantine'))).toEqual([expect.stringMatching(/^seg-000001\.jsonl\.\d+$/)]);
    expect(segments()).not.toContain('seg-000001.jsonl');
    await store.close();
    expect(await ids(open())).toEqual(['three', 'four']);
    expect(warnings).toHaveLength(1);
  });

  it('quarantines a directory or link where a segment should be, without reading it', async () => {
    const { dir, open, warnings } = setup();
    mkdirSync(join(dir, 'seg-000002.jsonl'));
    const store = open();
    await store.add([testEvent('x')]);
    expect(await ids(store)).toEqual(['x']);
    expect(warnings.map((w) => w.code)).toEqual(['storage_unavailable']);
    expect(readdirSync(join(dir, 'quarantine'))).toHaveLength(1);
  });

  it('loads an event once when an interrupted rewrite left it in two files', async () => {
    const { dir, open } = setup();
    const a = addRecord('0000000000000001', testEvent('a'));
    const b = addRecord('0000000000000002', testEvent('b'));
    writeFileSync(join(dir, 'seg-000001.jsonl'), `${a}\n${b}\n${deleteRecord(['0000000000000002'])}\n`);
    writeFileSync(join(dir, 'seg-000002.jsonl'), `${a}\n`);
    const store = open({ segmentBytes: 64 });
    expect(await ids(store)).toEqual(['a']);
    const [entry] = await store.peek(1);
    await store.remove([entry!.key]);
    await store.close();
    expect(await ids(open())).toEqual([]);
  });

  it('lets one process own a directory; a second store works in memory and says why', async () => {
    const { open, warnings } = setup();
    const owner = open();
    await owner.add([testEvent('mine')]);
    const second = open();
    await second.add([testEvent('theirs')]);
    expect(second.kind).toBe('memory');
    expect(await ids(second)).toEqual(['theirs']);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`in use by process ${process.pid}`)]);
    await owner.close();
    const third = open();
    expect(third.kind).toBe('file');
    expect(await ids(third)).toEqual(['mine']);
  });

  it('takes over the lock of a process that died', async () => {
    const { dir, open, warnings } = setup();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'lock'), String(dead));
    const store = open();
    await store.add([testEvent(1)]);
    expect(store.kind).toBe('file');
    expect(warnings).toEqual([]);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
  });
});
