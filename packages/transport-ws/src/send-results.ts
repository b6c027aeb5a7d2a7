import { TidemarkError } from '@tidemark/core';
import type { SendResult } from '@tidemark/core';

/**
 * A result that delivered and rejected nothing: every event of the send stays queued.
 *
 * @returns a fresh result (callers add `error` or `stop` to it)
 * @example emptyResult() // { delivered: [], rejected: [] }
 */
export const emptyResult = (): SendResult => ({ delivered: [], rejected: [] });

/**
 * The result of a call into the fallback transport that threw or rejected: its events are
 * left for retry, and the app sees a `network` error instead of the exception.
 *
 * @param cause - what the fallback threw
 * @returns a result with a `network` error
 * @example fallbackFailed(new Error('boom')).error?.code // 'network'
 */
export const fallbackFailed = (cause: unknown): SendResult => ({
  ...emptyResult(),
  error: new TidemarkError('network', 'the fallback transport failed', cause),
});
