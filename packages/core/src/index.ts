export type {
  EventType,
  JsonValue,
  JsonObject,
  PageContext,
  CampaignContext,
  EventContext,
  TidemarkEvent,
  BatchBody,
  BatchResponse,
  NucleusFrame,
  AckMessage,
} from './types.js';
export { LIMITS } from './types.js';
export { TidemarkError } from './errors.js';
export type { TidemarkErrorCode } from './errors.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export type { QueueStore, QueueEntry } from './queue-store.js';
export type { Transport, SendResult, SendContext, Rejection } from './transport.js';
export type { Lifecycle, Unsubscribe } from './lifecycle.js';
export { staticLifecycle } from './lifecycle.js';
export type { KeyValueStorage } from './key-value.js';
export { memoryKeyValue } from './key-value.js';
