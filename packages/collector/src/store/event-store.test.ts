import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorError } from '../errors.js';
import { EventStore } from './event-store.js';
import type { EventRow } from './row.js';

const dirs: string[] = [];
const stores: EventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore(dir = mkdtempSync(join(tmpdir(), 'tidemark-store-'))) {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = EventStore.open(join(dir, 'events.db'), 'normal');
  stores.push(store);
  return { store, dir };
}

const count = (store: EventStore) => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

function row(key: string, over: Partial<EventRow> = {}): EventRow {
  return {
    key,
    messageId: key,
    type: 'track',
    name: 'Clicked',
    anonymousId: 'anon-1',
    userId: null,
    sessionId: '1000',
    clientMs: 1_000,
    eventMs: 1_000,
    receivedMs: 2_000,
    source: 'wk',
    flags: [],
    raw: JSON.stringify({ key }),
    traits: null,
    startsSession: false,
    ...over,
  };
}

describe('EventStore', () => {
  it('stores a key once and reports the second copy as a duplicate, also within one write', () => {
    const { store } = openStore();
    expect(store.write([row('a'), row('b'), row('a')], [], 1)).toEqual([true, true, false]);
    expect(store.write([row('b'), row('c')], [], 1)).toEqual([false, true]);
    expect(count(store)).toBe(3);
    expect(store.db.prepare('SELECT count(*) AS n FROM events').get()).toMatchObject({ n: 3 });
  });

  it('writes many rows (more than one multi-row INSERT) in order', () => {
    const { store } = openStore();
    const rows = Array.from({ length: 137 }, (_, i) => row(`k${i}`));
    expect(store.write(rows, [], 1).every(Boolean)).toBe(true);
    const keys = (store.db.prepare('SELECT key FROM events ORDER BY seq').all() as Array<{ key: string }>).map((r) => r.key);
    expect(keys).toEqual(rows.map((r) => r.key));
  });

  it('rolls back the whole write when one row fails, keeping earlier commits', () => {
    const { store } = openStore();
    store.write([row('kept')], [], 1);
    const broken = row('broken', { raw: null as unknown as string });
    expect(() => store.write([row('x1'), broken, row('x2')], [], 1)).toThrow();
    const keys = (store.db.prepare('SELECT key FROM events').all() as Array<{ key: string }>).map((r) => r.key);
    expect(keys).toEqual(['kept']);
    expect(count(store)).toBe(1);
    expect(store.write([row('x1')], [], 1)).toEqual([true]);
    // A failure after a first multi-row INSERT went in: what the next write stored is still told apart from its duplicates.
    const many = Array.from({ length: 60 }, (_, i) => (i === 55 ? broken : row(`m${i}`)));
    expect(() => store.write(many, [], 1)).toThrow();
    expect(store.write([row('kept'), row('y'), row('x1'), row('z')], [], 1)).toEqual([false, true, false, true]);
    expect(store.write([row('y'), row('w')], [], 1)).toEqual([false, true]);
  });

  it('keeps rows after the file is closed and reopened', async () => {
    const { store, dir } = openStore();
    store.write([row('a'), row('b')], [], 1);
    await store.close();
    const again = openStore(dir).store;
    expect(again.eventsAtOpen).toBe(2);
    expect(again.write([row('a')], [], 1)).toEqual([false]);
  });

  it('drops the index by user that files of earlier versions carry (it made every write three times as costly)', async () => {
    const { store, dir } = openStore();
    store.db.exec('CREATE INDEX events_by_user ON events (user_id, event_ms) WHERE user_id IS NOT NULL');
    store.write([row('a')], [], 1);
    await store.close();
    const again = openStore(dir).store;
    const indexes = (again.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toContain('events_by_time');
    expect(indexes).not.toContain('events_by_user');
    expect(again.eventsAtOpen).toBe(1);
  });

  it('builds sessions from first to last event, counting duplicates once and heartbeats as activity', () => {
    const { store } = openStore();
    store.write([row('a', { eventMs: 1_000 }), row('b', { eventMs: 5_000 })], [], 10);
    store.write([row('a', { eventMs: 1_000 }), row('c', { eventMs: 3_000, userId: 'u1' })], [], 11);
    store.write([], [{ source: 'wk', anonymousId: 'anon-1', userId: null, sessionId: '1000', atMs: 9_000 }], 12);
    const session = store.db.prepare('SELECT * FROM sessions').all();
    expect(session).toEqual([
      expect.objectContaining({ session_key: 'anon-1/1000', started_ms: 1_000, ended_ms: 9_000, event_count: 3, user_id: 'u1', modified_ms: 12 }),
    ]);
  });

  it('starts a new session when a Nucleus init reuses a session ID after that session ended', () => {
    const { store } = openStore();
    store.write([row('a', { eventMs: 1_000, startsSession: true }), row('b', { eventMs: 2_000 })], [], 1);
    store.write([row('c', { eventMs: 50_000, startsSession: true })], [], 2);
    const sessions = store.db.prepare('SELECT session_key, started_ms, ended_ms, event_count FROM sessions ORDER BY started_ms').all();
    expect(sessions).toEqual([
      { session_key: 'anon-1/1000@1000', started_ms: 1_000, ended_ms: 2_000, event_count: 2 },
      { session_key: 'anon-1/1000', started_ms: 50_000, ended_ms: 50_000, event_count: 1 },
    ]);
  });

  it('merges identify traits into the user, later calls winning', () => {
    const { store } = openStore();
    store.write([row('a', { type: 'identify', userId: 'u1', traits: { plan: 'free', name: 'Ada' } })], [], 1);
    store.write([row('b', { type: 'identify', traits: { plan: 'pro' } }), row('c')], [], 2);
    const user = store.db.prepare('SELECT user_key, user_id, traits, event_count FROM users').get() as Record<string, unknown>;
    expect(user).toMatchObject({ user_key: 'anon-1', user_id: 'u1', event_count: 3 });
    expect(JSON.parse(String(user.traits))).toEqual({ plan: 'pro', name: 'Ada' });
  });

  it('upserts more sessions and users than one multi-row statement takes, new and known ones in one write', () => {
    const { store } = openStore();
    const visitor = (i: number, key: string, eventMs: number) => row(key, { anonymousId: `anon-${i}`, sessionId: String(i), eventMs });
    store.write(Array.from({ length: 60 }, (_, i) => visitor(i, `a${i}`, 1_000)), [], 1);
    // Visitors 0–59 are known, 60–129 new: 130 of each, three statements' worth.
    store.write(Array.from({ length: 130 }, (_, i) => visitor(i, `b${i}`, 2_000)), [], 2);
    const users = store.db.prepare('SELECT user_key, first_seen_ms, last_seen_ms, event_count, change_seq FROM users ORDER BY change_seq').all() as Array<Record<string, number | string>>;
    const sessions = store.db.prepare('SELECT session_key, started_ms, ended_ms, event_count FROM sessions').all() as Array<Record<string, number | string>>;
    expect(users).toHaveLength(130);
    expect(sessions).toHaveLength(130);
    expect(new Set(users.map((u) => u.change_seq)).size).toBe(130);
    for (let i = 0; i < 130; i++) {
      const known = i < 60;
      expect(users.find((u) => u.user_key === `anon-${i}`)).toMatchObject({ first_seen_ms: known ? 1_000 : 2_000, last_seen_ms: 2_000, event_count: known ? 2 : 1 });
      expect(sessions.find((s) => s.session_key === `anon-${i}/${i}`)).toMatchObject({ started_ms: known ? 1_000 : 2_000, ended_ms: 2_000, event_count: known ? 2 : 1 });
    }
  });

  it('copies the WAL into the database file from the background checkpointer', async () => {
    const { store, dir } = openStore();
    const file = join(dir, 'events.db');
    const before = statSync(file).size;
    store.write(Array.from({ length: 500 }, (_, i) => row(`w${i}`, { raw: 'x'.repeat(500) })), [], 1);
    // The writer no longer checkpoints at 4 MB; only the worker thread moves these pages.
    await expect.poll(() => statSync(file).size, { timeout: 8_000, interval: 50 }).toBeGreaterThan(before + 250_000);
  });

  it('fails to open a file in a missing directory with a storage error naming the path', () => {
    const path = join(tmpdir(), 'tidemark-no-such-dir', 'x', 'events.db');
    expect(() => EventStore.open(path, 'normal')).toThrow(CollectorError);
    try {
      EventStore.open(path, 'normal');
    } catch (err) {
      expect((err as CollectorError).code).toBe('storage');
      expect((err as CollectorError).message).toContain(path);
    }
  });
});
