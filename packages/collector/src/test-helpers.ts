// Shared by the collector's tests (never built into dist): a real collector on 127.0.0.1
// port 0 with a real SQLite file in a fresh temp directory, and event factories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startCollector, type RunningCollector } from './collector.js';
import type { CollectorOptions } from './options.js';

export const WRITE_KEY = 'wk_test';
export const READ_KEY = 'rk_test';
export const APP_ID = 'app_test';

/** `Authorization` value of Basic auth with a write key. */
export const basic = (key: string = WRITE_KEY) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

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
 * Start a collector on a fresh SQLite file in a temp directory.
 *
 * @param options - overrides of the defaults (keys, rate limit…)
 * @param dir - reuse a directory (to reopen the same file)
 * @returns the collector and helpers; `close()` stops it and removes the directory
 */
export async function startTestCollector(options: Partial<CollectorOptions> = {}, dir?: string): Promise<TestCollector> {
  const home = dir ?? mkdtempSync(join(tmpdir(), 'tidemark-collector-'));
  const dbPath = join(home, 'events.db');
  const collector = await startCollector({
    port: 0,
    dbPath,
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
