// The app-facing API and the interfaces integrators implement (stores, transports, clocks,
// lifecycles, storage, locks). What sibling packages share lives in the private protocol package.
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
export type { KeyValueStorage } from './key-value.js';
export { memoryKeyValue } from './key-value.js';
export { createTidemark, Tidemark } from './client.js';
export type { TidemarkEvents } from './client.js';
export type { TidemarkOptions, Consent } from './options.js';
export type { RandomValues } from './message-id.js';
export type { FlushResult } from './flusher-options.js';
export type { DropInfo, DropReason } from './event-queue.js';
export type { DrainLock } from './drain-lock.js';
export { localLock } from './drain-lock.js';
export { memoryStore } from './stores/memory-store.js';
export { indexedDbStore } from './stores/indexeddb-store.js';
export type { IndexedDbStoreOptions } from './stores/indexeddb-store.js';
export type { Touch, FirstTouch } from './attribution.js';
export type { ContextProvider } from './platform/browser-context.js';
export type { IdCookieOptions } from './platform/browser-cookie.js';
export { VERSION } from './version.js';
export { QueueDrainer } from './queue-drainer.js';
export type { QueueDrainerOptions } from './queue-drainer.js';
