export type {
  EventType,
  JsonValue,
  JsonObject,
  PageContext,
  CampaignContext,
  EventContext,
  TidemarkEvent,
} from './types.js';
export { LIMITS } from './types.js';
export { TidemarkError } from './errors.js';
export type { TidemarkErrorCode } from './errors.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export type { QueueStore, QueueEntry } from './queue-store.js';
export type { Transport, SendResult, SendContext, Rejection, CheckResult } from './transport.js';
export type { Lifecycle, Unsubscribe } from './lifecycle.js';
export { staticLifecycle } from './lifecycle.js';
export type { KeyValueStorage } from './key-value.js';
export { memoryKeyValue } from './key-value.js';
export { createTidemark, Tidemark } from './client.js';
export type { TidemarkEvents } from './client.js';
export type { TidemarkOptions, Consent } from './options.js';
export type { RandomValues } from './message-id.js';
export type { FlushResult } from './flusher.js';
export type { DropInfo, DropReason } from './event-queue.js';
export type { DrainLock } from './drain-lock.js';
export { localLock, webLock, leaseLock } from './drain-lock.js';
export { memoryStore } from './stores/memory-store.js';
export { indexedDbStore } from './stores/indexeddb-store.js';
export type { IndexedDbStoreOptions } from './stores/indexeddb-store.js';
export { resilientStore } from './stores/resilient-store.js';
export { queueKeyFactory } from './stores/queue-key.js';
export { toJsonObject } from './json-safe.js';
export { ANONYMOUS_ID_PATTERN } from './identity.js';
export type { Touch, FirstTouch } from './attribution.js';
export type { ContextProvider } from './platform/browser-context.js';
export { pageContext, staticContext } from './platform/browser-context.js';
export type { IdCookieOptions } from './platform/browser-cookie.js';
export { VERSION } from './version.js';
export { QueueDrainer } from './queue-drainer.js';
export type { QueueDrainerOptions } from './queue-drainer.js';
export { WORKER_FLUSH, toAnswer } from './platform/service-worker.js';
export type { WorkerFlushMessage, WorkerFlushAnswer } from './platform/service-worker.js';
