import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord, withBatchContext } from '@tidemark/protocol';
import { basicAuthKey } from '../http/auth.js';
import { elementTexts } from '../http/element-texts.js';
import { parseJson, readBody } from '../http/body.js';
import { HttpError, sendJson } from '../http/reply.js';
import { BackpressureError, normalizeFrameEvent, type IngestResult } from '../ingest/ingestor.js';
import { WIRE_LIMITS } from '../ingest/limits.js';
import type { IngestContext, Normalized } from '../ingest/normalize.js';
import { normalizeSegmentEvent } from '../ingest/segment-event.js';
import { normalizeTrackApiEvent } from '../ingest/track-api-event.js';
import { parseIsoTimestamp } from '../dates.js';
import type { RouteDeps } from './deps.js';

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

/**
 * The write key of a request: Basic auth first, else `writeKey` in the body (sendBeacon cannot set headers).
 *
 * @param req - the request
 * @param body - its parsed body
 * @param deps - shared state
 * @returns the key
 * @throws HttpError 401 when there is none or it is unknown
 */
export function writeKeyOf(req: IncomingMessage, body: unknown, deps: RouteDeps): string {
  const header = basicAuthKey(req);
  const fromBody = body !== null && typeof body === 'object' ? (body as { writeKey?: unknown }).writeKey : undefined;
  const key = header ?? fromBody;
  if (key === undefined) throw unauthorized("a write key is required: send Authorization: Basic base64(writeKey + ':'), or writeKey in the body");
  if (!deps.writeKeys.has(key)) throw unauthorized('unknown write key');
  return key;
}

/**
 * Read the body as JSON, checking a Basic-auth header before reading anything.
 *
 * @param req - the request
 * @param deps - shared state
 * @returns the body's text and its parsed value
 * @throws HttpError 401 for a bad header, 413/415/400 for a bad body
 */
export async function readJson(req: IncomingMessage, deps: RouteDeps): Promise<{ text: string; value: unknown }> {
  const header = basicAuthKey(req);
  if (header === null) throw unauthorized("Authorization must be Basic base64(writeKey + ':')");
  if (header !== undefined && !deps.writeKeys.has(header)) throw unauthorized('unknown write key');
  return parseJson(await readBody(req, WIRE_LIMITS.maxBatchBytes));
}

/** Commit, turning a storage failure or backpressure into a 503 the client retries. */
async function commit(deps: RouteDeps, items: Normalized[]): Promise<IngestResult> {
  try {
    return await deps.ingestor.ingest(items);
  } catch (err) {
    if (err instanceof BackpressureError) throw new HttpError(503, 'overloaded', err.message, { 'retry-after': '1' });
    deps.onStorageError(err);
    throw new HttpError(503, 'storage', `the events could not be stored, retry later (${err instanceof Error ? err.message : String(err)})`, { 'retry-after': '1' });
  }
}

/**
 * A body's batch-level `context` (Segment spec), checked: an object of at most 32 KB of
 * JSON, since it becomes part of every event of the batch (a larger one would be copied
 * into each of up to 500 events before their own size checks refused them).
 *
 * @param context - the body's `context` field
 * @returns the context and its JSON text, or undefined when the body has none
 * @throws HttpError 400 when it is not an object or is too large
 */
function batchContext(context: unknown): { value: Record<string, unknown>; json: string } | undefined {
  if (context === undefined) return undefined;
  if (!isRecord(context)) throw new HttpError(400, 'bad_request', 'context must be an object, shared by every event of the batch');
  let json: string;
  try {
    json = JSON.stringify(context);
  } catch {
    // Nested deeper than the stack (about 10^5 levels fit in a body): checked before the events are.
    throw new HttpError(400, 'bad_request', 'context is nested too deeply');
  }
  if (Buffer.byteLength(json) > WIRE_LIMITS.maxEventBytes) throw new HttpError(400, 'bad_request', `context must be at most ${WIRE_LIMITS.maxEventBytes / 1024} KB of JSON`);
  return { value: context as Record<string, unknown>, json };
}

/** `{}` with any spacing inside. */
const EMPTY_OBJECT = /^\{\s*\}$/;

/**
 * The text to store for each event of a batch, where it can be taken from the body instead
 * of serializing the parsed event again (see `elementTexts`): the element's own text, or, for
 * an event without a `context` in a batch with one, that text with the batch's context
 * added last, as `withBatchContext` adds it. An event with a context of its own gets
 * `undefined` (its merged context is serialized), as do all when the body leaves a doubt.
 *
 * @param text - the body's text
 * @param batch - the body's `batch`, parsed
 * @param context - the batch's context and its JSON, if any
 * @returns a text or `undefined` per event
 */
function storedTexts(text: string, batch: unknown[], context: { json: string } | undefined): Array<string | undefined> {
  const texts = elementTexts(text, 'batch', batch.length);
  if (!texts || !context) return texts ?? [];
  return texts.map((own, i) => {
    const event = batch[i];
    if (!isRecord(event) || event.context !== undefined || !own.endsWith('}')) return undefined;
    // `{…}` → `{…,"context":…}`. An empty object has no field to follow (and is refused as
    // invalid anyway): it is left to the serializer.
    return EMPTY_OBJECT.test(own) ? undefined : `${own.slice(0, -1)},"context":${context.json}}`;
  });
}

/**
 * `POST /v1/batch` (Segment spec): `{ batch: Event[], context?, sentAt, writeKey? }` → 200
 * `{ success: true, rejected: [{ messageId, reason }] }`. Invalid events are rejected one by
 * one and the rest stored; a body that is not such an object is a 400. A batch-level
 * `context` is merged into each event's own, the event's fields winning.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 */
export async function handleBatch(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  // Only the rows wait for the commit: the parsed body, dropped before it, never lives long
  // enough to be promoted to the old generation and marked there.
  const result = await commit(deps, batchItems(req, await readJson(req, deps), deps));
  sendJson(res, 200, { success: true, rejected: result.rejected });
}

/**
 * The normalized events of a `/v1/batch` body.
 *
 * @param req - the request (for its auth header)
 * @param json - the body's text and parsed value
 * @param deps - shared state
 * @returns one normalized event per element of `batch`
 * @throws HttpError 400 when the body is not `{ batch: [...] }`, 401 without a valid key
 */
function batchItems(req: IncomingMessage, { text, value: body }: { text: string; value: unknown }, deps: RouteDeps): Normalized[] {
  if (!isRecord(body)) throw new HttpError(400, 'bad_request', 'body must be a JSON object { batch: [...], sentAt }');
  const source = writeKeyOf(req, body, deps);
  const { batch, sentAt, context } = body;
  if (!Array.isArray(batch)) throw new HttpError(400, 'bad_request', 'batch must be an array of events');
  if (batch.length === 0) throw new HttpError(400, 'bad_request', 'batch is empty');
  const shared = batchContext(context);
  const events = withBatchContext(batch, shared?.value);
  const texts = storedTexts(text, batch, shared);
  const receivedMs = Date.now();
  const sentMs = typeof sentAt === 'string' ? parseIsoTimestamp(sentAt) : null;
  const ctx: IngestContext = { source, receivedMs, skewMs: sentMs === null ? null : receivedMs - sentMs, flags: sentMs === null ? ['no_sent_at'] : [] };
  return events.map((event, i) => normalizeSegmentEvent(event, ctx, texts[i]));
}

/**
 * `POST /v1/track`: one event in the `/track` API's shape (`event`, `user_id`, `timestamp`,
 * `metadata` ≤ 4 KB). Answers `{ status: 'success', message: 'Event logged.', warnings? }`.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 */
export async function handleTrack(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const { value: body } = await readJson(req, deps);
  const source = writeKeyOf(req, body, deps);
  const item = normalizeTrackApiEvent(body, { source, receivedMs: Date.now(), skewMs: null, flags: [] });
  if (item.kind === 'rejected') throw new HttpError(400, 'invalid_event', item.reason);
  await commit(deps, [item]);
  const warnings: string[] = [];
  if (item.kind === 'row' && item.row.flags.includes('metadata_truncated')) warnings.push('metadata was larger than 4 KB and was truncated');
  if (item.kind === 'row' && item.row.flags.includes('future_timestamp')) warnings.push('timestamp was in the future and was set to the server time');
  sendJson(res, 200, { status: 'success', message: 'Event logged.', ...(warnings.length ? { warnings } : {}) });
}

/**
 * Who an app ID stands for: a configured app ID, or a write key used as one (so the
 * WebSocket transport can authenticate with its write key); else `?writeKey=`.
 *
 * @param appId - the path's app ID (already URL-decoded)
 * @param query - the query string
 * @param deps - shared state
 * @returns the source to store events under, or `null` when unauthorized
 */
export function sourceOfApp(appId: string, query: URLSearchParams, deps: RouteDeps): string | null {
  if (deps.appIds.has(appId) || deps.writeKeys.has(appId)) return appId;
  const writeKey = query.get('writeKey');
  return deps.writeKeys.has(writeKey) ? writeKey : null;
}

/**
 * Check a Nucleus-style frame `{ data: [...] }` and normalize its events.
 *
 * @param json - the frame's text and its parsed value: each event is stored as its own text
 *   from the frame (see `elementTexts`)
 * @param source - who sent it
 * @returns the normalized events
 * @throws HttpError 400 when the frame is not `{ data: array }`
 */
export function normalizeFrame({ text, value: frame }: { text: string; value: unknown }, source: string): Normalized[] {
  const data = frame !== null && typeof frame === 'object' ? (frame as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new HttpError(400, 'bad_request', 'frame must be a JSON object { data: [...] }');
  const sentAt = (frame as { sentAt?: unknown }).sentAt;
  const receivedMs = Date.now();
  const sentMs = typeof sentAt === 'string' ? parseIsoTimestamp(sentAt) : null;
  const ctx: IngestContext = { source, receivedMs, skewMs: sentMs === null ? null : receivedMs - sentMs, flags: [] };
  const texts = elementTexts(text, 'data', data.length) ?? [];
  return data.map((event, i) => normalizeFrameEvent(event, ctx, texts[i]));
}

/**
 * `POST /app/:appId/track` (Nucleus over HTTP): `{ data: [...] }` → `{ reportedIds, rejected }`.
 * Rate-limited per client address.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 * @param appId - the path's app ID
 * @param query - the query string
 */
export async function handleAppTrack(req: IncomingMessage, res: ServerResponse, deps: RouteDeps, appId: string, query: URLSearchParams): Promise<void> {
  const wait = deps.limiter.take(req.socket.remoteAddress ?? '');
  if (wait > 0) throw new HttpError(429, 'rate_limited', 'too many requests from this address', { 'retry-after': String(Math.ceil(wait / 1000)) });
  const source = sourceOfApp(appId, query, deps);
  if (source === null) throw unauthorized('unknown app ID');
  // As in handleBatch: nothing of the parsed frame waits for the commit.
  const result = await commit(deps, normalizeFrame(parseJson(await readBody(req, WIRE_LIMITS.maxBatchBytes)), source));
  sendJson(res, 200, { reportedIds: result.reportedIds, rejected: result.rejected });
}
