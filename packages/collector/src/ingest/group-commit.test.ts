import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../store/event-store.js';
import type { EventRow } from '../store/row.js';
import { GroupCommitter } from './group-commit.js';

let dir: string;
let store: EventStore;
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(maxRows: number) {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-commit-'));
  store = EventStore.open(join(dir, 'events.db'), 'normal');
  const commits: number[] = [];
  const committer = new GroupCommitter(store, { maxRows, onCommit: (fresh) => commits.push(fresh.length) });
  return { committer, commits };
}

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
    expect(store.eventCount).toBe(190);
  });

  it('rejects every request of a failed transaction, stores none of them, and keeps working', async () => {
    const { committer } = setup(2000);
    const broken = rows(2);
    broken[1]!.raw = null as unknown as string;
    const results = await Promise.allSettled([committer.submit(rows(5), []), committer.submit(broken, [])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(store.eventCount).toBe(0);
    await expect(committer.submit(rows(3), [])).resolves.toEqual({ stored: 3, duplicates: 0 });
  });

  it('resolves drained() once everything submitted has been committed', async () => {
    const { committer } = setup(2000);
    const pending = committer.submit(rows(4), []);
    expect(committer.pending).toBe(1);
    await committer.drained();
    expect(store.eventCount).toBe(4);
    await expect(pending).resolves.toEqual({ stored: 4, duplicates: 0 });
  });
});
