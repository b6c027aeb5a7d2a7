import type { Rejection, SendResult, TidemarkError } from '@tidemark/core';

/** Outcome of one request, folded into the send's {@link SendResult}. */
export interface RequestOutcome {
  delivered: string[];
  rejected: Rejection[];
  retryAfterMs?: number;
  error?: TidemarkError;
  stop?: boolean;
}

/**
 * Read a 2xx answer: every event is delivered except those the body lists as rejected.
 *
 * @param response - the 2xx response
 * @param ids - `messageId`s of the request
 * @returns delivered and rejected IDs
 */
export async function readAcceptance(response: Response, ids: string[]): Promise<SendResult> {
  let rejected: Rejection[] = [];
  try {
    const body = (await response.json()) as { rejected?: unknown };
    if (Array.isArray(body?.rejected)) {
      rejected = body.rejected.filter(
        (r): r is Rejection => !!r && typeof r.messageId === 'string' && ids.includes(r.messageId),
      ).map((r) => ({ messageId: r.messageId, reason: String(r.reason ?? 'rejected') }));
    }
  } catch {
    // An empty or non-JSON 2xx body still means stored (Segment answers plain 200s).
  }
  const refused = new Set(rejected.map((r) => r.messageId));
  return { delivered: ids.filter((id) => !refused.has(id)), rejected };
}

/**
 * Fold the outcomes of a send's requests into one result.
 *
 * @param parts - one per request
 * @returns the send's result
 */
export function merge(parts: RequestOutcome[]): SendResult {
  const out: SendResult = { delivered: [], rejected: [] };
  for (const p of parts) {
    out.delivered.push(...p.delivered);
    out.rejected.push(...p.rejected);
    if (p.retryAfterMs !== undefined) out.retryAfterMs = Math.max(out.retryAfterMs ?? 0, p.retryAfterMs);
    if (p.stop) out.stop = true;
    if (p.error && (!out.error || p.stop)) out.error = p.error;
  }
  return out;
}

