import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CollectorError } from '../errors.js';
import { EventStore } from './event-store.js';
import type { EventRow, SessionTouch } from './row.js';
import { packRows, unpackRows } from './row-pack.js';

/**
 * Where commits happen. Either in this thread (tests, `':memory:'`) or in a writer thread
 * with its own connection, so SQLite's work on one core overlaps with HTTP, JSON and
 * validation on the other; the request thread keeps a connection for reads only.
 */
export interface Writer {
  /**
   * Write the rows and heartbeats of one or more requests in one transaction.
   *
   * @param rows - rows to store
   * @param touches - heartbeats
   * @param nowMs - server time
   * @returns a flag per row: stored now (`true`) or a duplicate (`false`)
   * @throws the storage error; nothing of the call was stored
   */
  write(rows: EventRow[], touches: SessionTouch[], nowMs: number): Promise<boolean[]>;
  /** Finish and close. */
  close(): Promise<void>;
}

/**
 * Open the storage of a collector: a store for reads and a writer. Files get a writer thread
 * when running from the build; from TypeScript sources (the unit tests) or for `':memory:'`,
 * the store writes in this thread.
 *
 * @param path - SQLite file or `':memory:'`
 * @param synchronous - SQLite `synchronous` mode
 * @param onWarning - told about background checkpoint failures
 * @returns the read store and the writer
 * @throws CollectorError `storage` when the file cannot be opened
 */
export async function openStorage(path: string, synchronous: 'normal' | 'full', onWarning: (message: string) => void): Promise<{ store: EventStore; writer: Writer }> {
  const threaded = path !== ':memory:' && !import.meta.url.endsWith('.ts');
  const store = EventStore.open(path, synchronous, onWarning, !threaded);
  if (!threaded) return { store, writer: localWriter(store) };
  try {
    return { store, writer: await threadWriter(path, synchronous, onWarning) };
  } catch (err) {
    await store.close();
    throw new CollectorError('storage', `cannot start the writer thread for ${JSON.stringify(path)}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Marks the worker threads that run {@link runWriterThread}. */
const WRITER_KIND = 'tidemark-collector-writer';

interface WriterData {
  kind: typeof WRITER_KIND;
  path: string;
  synchronous: 'normal' | 'full';
}

/** A write goes as `packRows` values: see there for why. */
type Request = { id: number; rows: unknown[]; touches: SessionTouch[]; nowMs: number } | { id: number; close: true };
type Reply = { id: number; fresh?: boolean[]; error?: string } | { warning: string } | { ready: true } | { failed: string };

/**
 * A writer on a store of this thread.
 *
 * @param store - the store
 * @returns the writer
 */
export function localWriter(store: EventStore): Writer {
  return {
    write: async (rows, touches, nowMs) => store.write(rows, touches, nowMs),
    close: async () => {},
  };
}

/**
 * Start a writer thread on a database file. The thread runs this same module (the bundle's
 * chunk), which starts {@link runWriterThread} when it finds itself in such a worker.
 *
 * @param path - the SQLite file (already created by the caller's connection)
 * @param synchronous - SQLite `synchronous` mode
 * @param onWarning - told about background checkpoint failures
 * @returns the writer, once the thread has opened the file
 * @throws the open error of the thread
 */
export async function threadWriter(path: string, synchronous: 'normal' | 'full', onWarning: (message: string) => void): Promise<Writer> {
  const data: WriterData = { kind: WRITER_KIND, path, synchronous };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const waiting = new Map<number, { resolve(fresh: boolean[]): void; reject(err: Error): void }>();
  let next = 0;
  let dead: Error | null = null;
  const die = (err: Error) => {
    dead ??= err;
    for (const w of waiting.values()) w.reject(dead);
    waiting.clear();
  };
  const started = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) resolve();
      else if ('failed' in reply) reject(new Error(reply.failed));
      else if ('warning' in reply) onWarning(reply.warning);
      else {
        const w = waiting.get(reply.id);
        waiting.delete(reply.id);
        if (reply.error !== undefined) w?.reject(new Error(reply.error));
        else w?.resolve(reply.fresh ?? []);
      }
    });
    worker.once('error', (err) => {
      reject(err);
      die(err);
    });
    worker.once('exit', (code) => die(new Error(`the writer thread stopped (exit code ${code})`)));
  });
  try {
    await started;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const call = (message: Request) =>
    new Promise<boolean[]>((resolve, reject) => {
      if (dead) return reject(dead);
      waiting.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  return {
    write: (rows, touches, nowMs) => call({ id: next++, rows: packRows(rows), touches, nowMs }),
    async close() {
      if (!dead) await call({ id: next++, close: true }).catch(() => {});
      await worker.terminate();
    },
  };
}

/** The writer thread: one store, one message at a time, in order. */
function runWriterThread(data: WriterData): void {
  const port = parentPort!;
  let store: EventStore;
  try {
    store = EventStore.open(data.path, data.synchronous, (warning) => port.postMessage({ warning } satisfies Reply));
  } catch (err) {
    port.postMessage({ failed: err instanceof Error ? err.message : String(err) } satisfies Reply);
    return;
  }
  port.postMessage({ ready: true } satisfies Reply);
  port.on('message', (message: Request) => {
    if ('close' in message) {
      void store.close().then(() => {
        port.postMessage({ id: message.id, fresh: [] } satisfies Reply);
        port.close();
      });
      return;
    }
    try {
      port.postMessage({ id: message.id, fresh: store.write(unpackRows(message.rows), message.touches, message.nowMs) } satisfies Reply);
    } catch (err) {
      port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
}

if (!isMainThread && (workerData as Partial<WriterData> | null)?.kind === WRITER_KIND) runWriterThread(workerData as WriterData);
