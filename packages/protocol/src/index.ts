// The wire protocol, one home per concept. Dependency-free and platform-blind; private to the
// workspace: every published package that imports it carries its own bundled copy.
export type { EventType, JsonValue, JsonObject, PageContext, CampaignContext, EventContext, TidemarkEvent, BatchBody, BatchResponse, NucleusFrame, AckMessage, ReceiptsBody, ReceiptsAnswer } from './wire.js';
export { LIMITS, ANONYMOUS_ID_PATTERN, CLICK_ID_PARAMS } from './wire.js';
export { cookieValues } from './cookie-values.js';
export type { ClickIdParam } from './wire.js';
export { WORKER_FLUSH } from './worker-messages.js';
export type { DropReason, DropInfo } from './drops.js';
export type { Logger } from './logger.js';
export { CodedError } from './coded-error.js';
export type { WorkerFlushMessage, WorkerFlushAnswer } from './worker-messages.js';
export { CONTEXT_KEY_BYTES, contextBytes, contextJson, eventBytes, eventJson, eventJsonWithoutContext, utf8Length } from './event-json.js';
export { batchJson, withBatchContext, type BatchJson } from './batch-context.js';
export { isRecord } from './is-record.js';
export { classifyStatus } from './status.js';
export type { StatusClass } from './status.js';
export { parseRetryAfter, MAX_RETRY_AFTER_MS, backoffDelay, BROWSER_BACKOFF, SERVER_BACKOFF } from './retry.js';
export type { BackoffPolicy } from './retry.js';
export { BatchSize, BATCH_ENVELOPE_BYTES } from './batch.js';
export { sayOnce } from './say-once.js';
export { describeValue, numberOption } from './option-values.js';
export type { NumberBounds } from './option-values.js';
export { messageId, messageIds, setRandomValues, webCryptoRandom } from './message-id.js';
export type { RandomValues } from './message-id.js';
export { SENTENCES } from './sentences.js';
export { explain, ERRORS_DOC } from './explain.js';
