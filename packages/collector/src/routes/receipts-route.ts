import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson } from '../http/reply.js';
import { receiptIds } from '../queries/receipts.js';
import type { RouteDeps } from './deps.js';
import { readJson, writeKeyOf } from './ingest-routes.js';

/**
 * `POST /v1/receipts` (delivery receipts): `{ messageIds: [...] }` (at most 1,000), same auth
 * as `/v1/batch` → 200 `{ stored: [...] }`, the IDs durably stored under the caller's write
 * key. A client asks before re-sending events whose first send it could not observe (a page
 * that died with the request in flight), so nothing reaches the collector twice. Requests
 * committing when the question arrives are waited for.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 */
export async function handleReceipts(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const { value: body } = await readJson(req, deps);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'bad_request', 'body must be a JSON object { messageIds: [...] }');
  const source = writeKeyOf(req, body, deps);
  const ids = receiptIds((body as { messageIds?: unknown }).messageIds, 'messageIds');
  await deps.ingestor.settled();
  let stored: string[];
  try {
    stored = await deps.store.storedIds(source, ids);
  } catch (err) {
    deps.onStorageError(err);
    throw new HttpError(503, 'storage', 'the store cannot answer now, retry later', { 'retry-after': '1' });
  }
  sendJson(res, 200, { stored });
}
