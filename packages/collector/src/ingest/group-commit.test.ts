import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../store/event-store.js';
import { localWriter, type Writer } from '../store/writer.js';
import type { EventRow } from '../store/row.js';
import { GroupCommitter } from './group-commit.js';

let dir: string;
let store: EventStore;
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(maxRows: number, wrap: (writer: Writer) => Writer = (w) => w, more: { lingerMs?: number; maxInFlight?: number } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-commit-'));
  store = EventStore.open(join(dir, 'events.db'), 'normal');
  const commits: number[] = [];
  const committer = new GroupCommitter(wrap(localWriter(store)), { maxRows, ...more, onCommit: (fresh) => commits.push(fresh.length) });
  return { committer, commits };
}

const stored = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

let n = 0;
const rows = (count: number, prefix = `r${n++}-`): EventRow[] =>
  Array.from({ length: count }, (_, i) => ({
    key: `${prefix}${i}`,
    messageId: `${prefix}${i}`,
    type: 'track',
    name: 'e',
    anonymousId: 'a',
    userId: null,
    sessionId: null,
    clientMs: 1,
    eventMs: 1,
    receivedMs: 1,
    source: 'wk',
    flags: [],
    raw: '{}',
    traits: null,
    startsSession: false,
  }));

describe('GroupCommitter', () => {
  it('writes requests submitted in the same turn in one transaction, resolving each with its own counts', async () => {
    const { committer, commits } = setup(2000);
    const first = rows(10);
    const outcomes = await Promise.all([committer.submit(first, []), committer.submit(rows(20), []), committer.submit(first, [])]);
    expect(commits).toEqual([30]);
    expect(outcomes).toEqual([
      { stored: 10, duplicates: 0 },
      { stored: 20, duplicates: 0 },
      { stored: 0, duplicates: 10 },
    ]);
  });

  it('closes a group before it passes maxRows and never splits a request', async () => {
    const { committer, commits } = setup(50);
    await Promise.all([committer.submit(rows(30), []), committer.submit(rows(30), []), committer.submit(rows(120), []), committer.submit(rows(10), [])]);
    expect(commits).toEqual([30, 30, 120, 10]);
    expect(stored()).toBe(190);
  });

  it('rejects every request of a failed transaction, stores none of them, and keeps working', async () => {
    const { committer } = setup(2000);
    const broken = rows(2);
    broken[1]!.raw = null as unknown as string;
    const results = await Promise.allSettled([committer.submit(rows(5), []), committer.submit(broken, [])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stored()).toBe(0);
    await expect(committer.submit(rows(3), [])).resolves.toEqual({ stored: 3, duplicates: 0 });
  });

  it('keeps two transactions at the writer and groups what arrives meanwhile into the next', async () => {
    // A writer that runs transactions one after the other, like the writer thread, and holds
    // the first one until the test releases it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let queue: Promise<unknown> = gate;
    const { committer, commits } = setup(2000, (writer) => ({
      write: (rows, touches, nowMs) => {
        const done = queue.then(() => writer.write(rows, touches, nowMs));
        queue = done;
        return done;
      },
      close: () => writer.close(),
    }));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const all = [committer.submit(rows(5), [])];
    await turn();
    all.push(committer.submit(rows(1), []), committer.submit(rows(2), []));
    await turn();
    all.push(committer.submit(rows(3), []), committer.submit(rows(4), []));
    await turn();
    expect(commits).toEqual([]);
    expect(committer.pending).toBe(2);
    release();
    await Promise.all(all);
    expect(commits).toEqual([5, 3, 7]);
  });

  it('resolves settled() only once every earlier group is written, though two in flight finish out of order (ClickHouse)', async () => {
    // A writer that runs two groups at once, the first slower than the second.
    let first = true;
    const { committer } = setup(1, (writer) => ({
      write: async (rows, touches, nowMs) => {
        const wait = first ? 100 : 10;
        first = false;
        await new Promise((resolve) => setTimeout(resolve, wait));
        return writer.write(rows, touches, nowMs);
      },
      close: () => writer.close(),
    }));
    const all = [committer.submit(rows(1), []), committer.submit(rows(1), [])];
    await committer.settled();
    expect(stored()).toBe(2);
    await Promise.all(all);
  });

  it('resolves drained() once everything submitted has been committed', async () => {
    const { committer } = setup(2000);
    const pending = committer.submit(rows(4), []);
    expect(committer.pending).toBe(1);
    await committer.drained();
    expect(stored()).toBe(4);
    await expect(pending).resolves.toEqual({ stored: 4, duplicates: 0 });
  });

  it('lingers for more requests, and closes a group early once it is full', async () => {
    const { committer, commits } = setup(10, undefined, { lingerMs: 40 });
    const first = committer.submit(rows(3), []);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = committer.submit(rows(4), []);
    expect(commits).toEqual([]);
    await Promise.all([first, second]);
    expect(commits).toEqual([7]);
    const started = Date.now();
    await Promise.all([committer.submit(rows(6), []), committer.submit(rows(6), [])]);
    // Twelve rows pass maxRows: the first group goes at once, without waiting out the linger.
    expect(commits).toEqual([7, 6, 6]);
    expect(Date.now() - started).toBeLessThan(40 + 200);
  });

  it('counts the rows waiting or being written, for backpressure', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { committer } = setup(2000, (writer) => ({ write: async (r, t, now) => (await gate, writer.write(r, t, now)), close: () => writer.close() }));
    const all = [committer.submit(rows(5), []), committer.submit(rows(7), [])];
    expect(committer.pendingRows).toBe(12);
    release();
    await Promise.all(all);
    expect(committer.pendingRows).toBe(0);
  });
});
