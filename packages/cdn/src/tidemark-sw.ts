// The service worker `tidemark-sw.js`: drains the queue the site's pages write to IndexedDB,
// so sends outlive navigations and closed tabs. Pages ask it to drain (`postMessage`); when
// a drain ends offline it registers a Background Sync, so the queue leaves when connectivity
// returns even with no tab open. It has no `fetch` handler: it never touches page loads.
// Configured by its registration URL, which the client writes:
// `/tidemark-sw.js?writeKey=…&host=…[&path=…][&receiptsPath=…]`.
import { memoryKeyValue, QueueDrainer, type KeyValueStorage } from '@tidemark/core';
import { sayOnce, WORKER_FLUSH, type WorkerFlushAnswer, type WorkerFlushMessage } from '@tidemark/protocol';
import { httpTransport } from '@tidemark/transport-http';
import { createStore, del, get, set } from 'idb-keyval';

/** The parts of the service worker global this script uses (the DOM lib has no worker types). */
interface WorkerScope {
  location: Location;
  registration: { sync?: { register(tag: string): Promise<void> } };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: string, listener: (event: ExtendableEvent) => void): void;
}
interface ExtendableEvent {
  waitUntil(promise: Promise<unknown>): void;
  data?: unknown;
  ports?: readonly MessagePort[];
  tag?: string;
}

/** Background Sync tag of the queue's drain. */
const SYNC_TAG = 'tidemark-drain';

const scope = self as unknown as WorkerScope;
const params = new URL(scope.location.href).searchParams;
const writeKey = params.get('writeKey') ?? '';
const host = params.get('host') ?? '';

scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
// Control the open pages at once: their events go through the worker from now on.
scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));

const worker = writeKey && host ? startDrainer() : undefined;
if (!worker) console.error('[tidemark] tidemark-sw.js needs ?writeKey=…&host=… in its URL; pages keep sending themselves');

/** The drainer and the load of its persisted uncertain record. */
function startDrainer(): { drainer: QueueDrainer; ready: Promise<void> } {
  const { storage, ready } = persistedStorage(`tidemark-worker-${writeKey}`);
  const transport = httpTransport({ host, ...(params.get('path') && { path: params.get('path')! }), ...(params.get('receiptsPath') && { receiptsPath: params.get('receiptsPath')! }) });
  // Each kind of problem once in the worker's console: an outage fails every retry.
  const warn = sayOnce((line: string) => console.warn(line));
  const onError = (err: { code: string; message: string }) => warn(err.code, `[tidemark] ${err.message}`);
  return { drainer: new QueueDrainer({ writeKey, transport, storage, onError }), ready };
}

/**
 * Synchronous storage (the uncertain record) in memory, loaded from and written through to
 * IndexedDB: a worker has no localStorage, and is stopped when idle.
 */
function persistedStorage(dbName: string): { storage: KeyValueStorage; ready: Promise<void> } {
  const db = createStore(dbName, 'kv');
  const memory = memoryKeyValue();
  const keys = ['tm_uncertain'];
  const ready = Promise.all(keys.map(async (key) => {
    const value = await get<string>(key, db);
    if (typeof value === 'string') memory.set(key, value);
  })).then(() => {}, () => {});
  let writes = Promise.resolve();
  const persist = (key: string, value: string | undefined) => {
    writes = writes.then(() => (value === undefined ? del(key, db) : set(key, value, db))).catch(() => {});
  };
  return {
    ready,
    storage: {
      get: (key) => memory.get(key),
      set: (key, value) => (memory.set(key, value), persist(key, value)),
      remove: (key) => (memory.remove(key), persist(key, undefined)),
    },
  };
}

/** Answer a page's drain request, then leave a Background Sync behind when events are left for want of a network. */
async function answer(message: Partial<WorkerFlushMessage>): Promise<WorkerFlushAnswer | null> {
  await worker!.ready;
  const result = await worker!.drainer.answer(message);
  const offline = (globalThis.navigator as Navigator | undefined)?.onLine === false || result?.error?.code === 'network';
  if (result && result.pending > 0 && offline) await scope.registration.sync?.register(SYNC_TAG).catch(() => {});
  return result;
}

scope.addEventListener('message', (event) => {
  const message = event.data as Partial<WorkerFlushMessage> | null;
  if (message?.type !== WORKER_FLUSH) return;
  const port = event.ports?.[0];
  // No configuration: the page drains itself.
  if (!worker) return port?.postMessage(null);
  event.waitUntil(answer(message).then((result) => port?.postMessage(result), () => port?.postMessage(null)));
});

scope.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG || !worker) return;
  // A rejection tells the browser to try this sync again later.
  event.waitUntil(
    worker.ready
      .then(() => worker.drainer.flush(true))
      .then((result) => {
        if (result.pending > 0) throw result.error ?? new Error('events are left; try again later');
      }),
  );
});
