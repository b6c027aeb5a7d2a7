import type { WebSocket, RawData } from 'ws';
import { HttpError } from '../http/reply.js';
import type { RouteDeps } from '../routes/deps.js';
import { normalizeFrame } from '../routes/ingest-routes.js';
import { BackpressureError } from '../ingest/ingestor.js';
import { receiptIds } from '../queries/receipts.js';

/** The text of a frame (ws hands over a Buffer unless `binaryType` was changed). */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Frames of one socket waiting for their commit before the socket stops reading more. */
const MAX_IN_FLIGHT = 16;

/**
 * Serve one ingest WebSocket in Nucleus framing: each `{ data: [...] }` frame is answered,
 * after its commit, with `{ reportedIds, rejected }`; a `{ check: [...] }` frame (delivery
 * receipts) with `{ reportedIds }` naming those already stored. A malformed frame is answered with
 * `{ error }` and the socket stays open. Over the address's rate limit, or with too many
 * frames waiting, the socket stops reading (TCP backpressure) instead of dropping anything.
 *
 * @param ws - the accepted socket
 * @param source - the app ID or write key it authenticated with
 * @param address - the client address, for the rate limit
 * @param deps - shared state (its `onStorageError` hears of failed commits; nothing was acked, the client resends)
 */
export function serveIngestSocket(ws: WebSocket, source: string, address: string, deps: RouteDeps): void {
  let inFlight = 0;
  let rateWait: NodeJS.Timeout | null = null;
  const send = (message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  // Answers go out in frame order: an error answered at once waits for the answers of the
  // frames before it, still committing, so a client may match answers by position.
  let answered: Promise<void> = Promise.resolve();
  const answer = (message: unknown) => {
    const ready = Promise.resolve(message);
    answered = answered.then(() => ready).then(send);
  };
  const flow = () => {
    if (inFlight >= MAX_IN_FLIGHT || rateWait !== null) ws.pause();
    else ws.resume();
  };

  // `{ check: [...] }`, the receipts question over the socket: answered `{ reportedIds }` with
  // the IDs stored under this source, after the commits in flight.
  const answerCheck = (check: unknown) => {
    let ids: string[];
    try {
      ids = receiptIds(check, 'check');
    } catch (err) {
      deps.stats.refusedRequests += 1;
      answer({ error: err instanceof HttpError ? err.message : 'malformed check' });
      return;
    }
    answer(
      deps.ingestor.settled().then(
        async () => ({ reportedIds: await deps.store.storedIds(source, ids) }),
      ).catch((err: unknown) => {
        deps.onStorageError(err);
        return { error: 'the check could not be answered; ask again later' };
      }),
    );
  };

  ws.on('message', (data: RawData) => {
    const wait = deps.limiter.take(address);
    if (wait > 0 && rateWait === null) {
      rateWait = setTimeout(() => {
        rateWait = null;
        flow();
      }, wait);
    }
    let frame: unknown;
    const text = textOf(data);
    try {
      frame = JSON.parse(text);
    } catch {
      deps.stats.refusedRequests += 1;
      answer({ error: 'malformed JSON: send { "data": [events] }' });
      return;
    }
    if (frame !== null && typeof frame === 'object' && 'check' in frame) {
      answerCheck((frame as { check: unknown }).check);
      return;
    }
    let items;
    try {
      items = normalizeFrame({ text, value: frame }, source);
    } catch (err) {
      deps.stats.refusedRequests += 1;
      answer({ error: err instanceof HttpError ? err.message : 'malformed frame' });
      return;
    }
    inFlight += 1;
    flow();
    const stored = deps.ingestor.ingest(items).then(
      (result) => ({ reportedIds: result.reportedIds, rejected: result.rejected }),
      (err: unknown) => {
        // Backpressure is not a storage failure: nothing to log, the client resends.
        if (!(err instanceof BackpressureError)) deps.onStorageError(err);
        return { error: 'the events could not be stored; resend them later' };
      },
    );
    answer(stored);
    void stored.finally(() => {
      inFlight -= 1;
      flow();
    });
  });
  ws.on('close', () => {
    if (rateWait !== null) clearTimeout(rateWait);
  });
}
