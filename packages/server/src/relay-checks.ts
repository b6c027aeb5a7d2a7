import { isRecord, LIMITS } from '@tidemark/protocol';

/** A relay refusal: the status and the message of its `{ status, message }` body. */
export interface Refusal {
  status: number;
  message: string;
}

/** What the relay forwards: the body it rebuilt (the browser's own is never passed on). */
export type Checked = { ok: true; body: string } | { ok: false; refusal: Refusal };

/** Most IDs one receipts question may name (docs/delivery.md). */
const MAX_RECEIPT_IDS = 1_000;

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= LIMITS.maxIdLength;
const refuse = (status: number, message: string): Checked => ({ ok: false, refusal: { status, message } });

/**
 * The write key a browser presented: Basic auth (`base64(key + ':')`), else a beacon's
 * `writeKey` body field (a beacon cannot set headers).
 *
 * @param authorization - the `Authorization` header, or ''
 * @param body - the parsed body
 * @returns the key, or undefined when there is none or it does not decode
 */
export function presentedKey(authorization: string, body: unknown): string | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(authorization.trim());
  if (basic) {
    try {
      const decoded = atob(basic[1]!);
      const colon = decoded.indexOf(':');
      return colon === -1 ? decoded : decoded.slice(0, colon);
    } catch {
      return undefined;
    }
  }
  return isRecord(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined;
}

/**
 * Check a batch the way the collector's answer can be trusted to map back to events: an
 * object whose `batch` holds 1–500 event objects, each with a `type` and a `messageId`. The
 * collector validates the events themselves; a refusal here is for the whole batch (400),
 * which the browser transport splits to isolate the bad event, as it does for the collector.
 *
 * @param body - the parsed JSON body
 * @returns the body to forward (`batch`, `context` and `sentAt` only: the browser's `writeKey`
 *   and any other field are dropped), or the refusal
 */
export function checkBatch(body: unknown): Checked {
  if (!isRecord(body) || !Array.isArray(body.batch)) return refuse(400, 'the body must be a JSON object with a batch array ({ batch: [...], sentAt })');
  const { batch } = body;
  if (batch.length === 0 || batch.length > LIMITS.maxBatchEvents) return refuse(400, `batch must hold 1 to ${LIMITS.maxBatchEvents} events (got ${batch.length})`);
  if (!batch.every((e) => isRecord(e) && typeof e.type === 'string' && isId(e.messageId))) {
    return refuse(400, `every event needs a type and a messageId of at most ${LIMITS.maxIdLength} characters`);
  }
  // The batch-level context (the one the browser's events share) travels on; the collector
  // checks it, as it checks each event's own.
  const { context } = body;
  if (context !== undefined && !isRecord(context)) return refuse(400, 'context must be an object, shared by every event of the batch');
  const forwarded: Record<string, unknown> = { batch };
  if (context !== undefined) forwarded.context = context;
  if (typeof body.sentAt === 'string') forwarded.sentAt = body.sentAt;
  return { ok: true, body: JSON.stringify(forwarded) };
}

/**
 * Check a receipts question: `{ messageIds }` with 1–1,000 IDs.
 *
 * @param body - the parsed JSON body
 * @returns the body to forward, or the refusal
 */
export function checkReceipts(body: unknown): Checked {
  if (!isRecord(body) || !Array.isArray(body.messageIds)) return refuse(400, 'the body must be a JSON object with a messageIds array');
  const ids = body.messageIds;
  if (ids.length === 0 || ids.length > MAX_RECEIPT_IDS || !ids.every(isId)) {
    return refuse(400, `messageIds must hold 1 to ${MAX_RECEIPT_IDS} IDs of at most ${LIMITS.maxIdLength} characters`);
  }
  return { ok: true, body: JSON.stringify({ messageIds: ids }) };
}

/**
 * Whether a media type is one the browser transport sends: JSON for `fetch`, `text/plain`
 * for page-hide beacons and keepalive requests (a type that needs no CORS preflight).
 *
 * @param contentType - the `Content-Type` header
 * @returns true for `application/json` and `text/plain`, with any parameters
 */
export function acceptedType(contentType: string): boolean {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return mime === 'application/json' || mime === 'text/plain';
}
