// Shared by the collector's tests (never built into dist): a real collector on 127.0.0.1
// port 0 with a real SQLite file in a fresh temp directory, or a fresh database on the test
// ClickHouse node (see testing/clickhouse-setup.ts), and event factories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import WebSocket from 'ws';
import { startCollector, type RunningCollector } from '../collector.js';
import type { CollectorOptions } from '../options.js';

export const WRITE_KEY = 'wk_test';
export const READ_KEY = 'rk_test';
export const APP_ID = 'app_test';

/** `Authorization` value of Basic auth with a write key. */
export const basic = (key: string = WRITE_KEY) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A store the route suite runs against. */
export type TestStore = 'sqlite' | 'clickhouse';

/** URL of the test ClickHouse node, or null where none runs (the setup said why). */
export const CLICKHOUSE_URL = inject('clickhouseUrl');

/** The stores this run tests: SQLite always, ClickHouse where its server runs (always in CI). */
export const STORES: TestStore[] = CLICKHOUSE_URL ? ['sqlite', 'clickhouse'] : ['sqlite'];

let currentStore: TestStore = 'sqlite';

/**
 * Run a suite once per store: `startTestCollector()` inside it starts a collector on that
 * store. One suite, two stores: the answers must be the same.
 *
 * @param suite - declares the tests (`describe`/`it`)
 */
export function forEachStore(suite: (store: TestStore) => void): void {
  describe.each(STORES)('%s store', (store) => {
    // beforeAll too: a suite may start one collector for all its tests in its own beforeAll.
    beforeAll(() => {
      currentStore = store;
    });
    beforeEach(() => {
      currentStore = store;
    });
    afterAll(() => {
      currentStore = 'sqlite';
    });
    suite(store);
  });
}

/**
 * Run SQL on the test ClickHouse node (set-up and checks of tests, not the collector's path).
 *
 * @param sql - the statement
 * @param url - the node
 * @returns the answer's text
 */
export async function clickhouseSql(sql: string, url = CLICKHOUSE_URL ?? ''): Promise<string> {
  const res = await fetch(`${url}/`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return text;
}

let counter = 0;
/** A unique message ID per call. */
export const nextId = (prefix = 'm') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A valid Segment-shaped track event; `overrides` replace fields (undefined deletes one). */
export function trackEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: 'track',
    messageId: nextId(),
    timestamp: new Date().toISOString(),
    anonymousId: 'anon-1',
    event: 'Button Clicked',
    properties: { button: 'buy' },
    context: { library: { name: 'tidemark', version: '0.1.0' }, sessionId: 1_700_000_000_000, locale: 'en-GB' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete event[key];
    else event[key] = value;
  }
  return event;
}

/** Headers given as '' are left out (how a test says "no Authorization header"). */
const withoutEmpty = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));

/** A collector for one test, with helpers bound to it. */
export interface TestCollector {
  collector: RunningCollector;
  url: string;
  dir: string;
  dbPath: string;
  /** POST JSON (or a raw string/Buffer) with Basic auth unless headers say otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** GET with the read key unless headers say otherwise. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Start a collector on a fresh SQLite file in a temp directory, or (inside
 * {@link forEachStore} on ClickHouse) on a fresh database of the test node.
 *
 * @param options - overrides of the defaults (keys, rate limit…)
 * @param dir - reuse a directory (to reopen the same file)
 * @param store - the store; by default the one of the enclosing {@link forEachStore}
 * @returns the collector and helpers; `close()` stops it and removes the directory or database
 */
export async function startTestCollector(options: Partial<CollectorOptions> = {}, dir?: string, store: TestStore = currentStore): Promise<TestCollector> {
  const home = dir ?? mkdtempSync(join(tmpdir(), 'tidemark-collector-'));
  const dbPath = join(home, 'events.db');
  const database = `tidemark_test_${process.pid}_${(counter++).toString(36)}`;
  const clickhouse: Partial<CollectorOptions> =
    store === 'clickhouse'
      ? { store: 'clickhouse', clickhouse: { urls: [CLICKHOUSE_URL ?? ''], database, lingerMs: 0, exportSettleMs: 0 } }
      : {};
  const collector = await startCollector({
    port: 0,
    dbPath,
    ...clickhouse,
    writeKeys: [WRITE_KEY],
    readKeys: [READ_KEY],
    appIds: [APP_ID],
    logger: { info() {}, warn() {}, error() {} },
    ...options,
  });
  const url = collector.url;
  return {
    collector,
    url,
    dir: home,
    dbPath,
    async post(path, body, headers = {}) {
      const payload = typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
      const res = await fetch(url + path, { method: 'POST', headers: withoutEmpty({ 'content-type': 'application/json', authorization: basic(), ...headers }), body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async get(path, headers = {}) {
      const res = await fetch(url + path, { headers: withoutEmpty({ authorization: `Bearer ${READ_KEY}`, ...headers }) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
    async close() {
      await collector.close();
      if (store === 'clickhouse') await clickhouseSql(`DROP DATABASE IF EXISTS ${database}`);
      if (!dir) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** An open WebSocket and its messages, parsed, in arrival order. */
export interface TestSocket {
  ws: WebSocket;
  /** The next message not yet taken (waits for it). */
  next(): Promise<any>;
}

/**
 * Open a WebSocket and queue its messages.
 *
 * @param url - `ws://…` URL
 * @returns the socket once open, and a reader of its messages
 */
export async function openSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const queue: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve))) };
}
