import { TidemarkError } from '@tidemark/core';
import type { SendContexts } from './send-contexts.js';

/** Why sending stopped: the collector refused the app ID or write key, and which key it was. */
export interface Refusal {
  /** The `unauthorized` error every send answers with while stopped. */
  error: TidemarkError;
  /** The write key the refused socket connected with. */
  writeKey: string | undefined;
}

/**
 * The refusal behind a close with a refusing code (4001, 4003, 1008; see `connection.ts`).
 *
 * @param appId - the app ID in the socket's path
 * @param close - the close code and reason
 * @param writeKey - the key the socket connected with
 * @returns the refusal, with an error that says how to recover
 * @example keyRefusal('my-app', { code: 4001, reason: 'unauthorized' }, 'wk_1').error.code // 'unauthorized'
 */
export function keyRefusal(appId: string, close: { code: number; reason: string }, writeKey: string | undefined): Refusal {
  const why = close.reason ? `${close.code} ${close.reason}` : String(close.code);
  const error = new TidemarkError(
    'unauthorized',
    `the collector refused app ID "${appId}" or its write key (close ${why}); sending stopped until the write key changes`,
  );
  return { error, writeKey };
}

/**
 * Whether sending may start again: only a send context that brought another write key can
 * change the collector's answer, and not when the `writeKey` option pins the key.
 *
 * @param refusal - the refusal in force
 * @param contexts - the key the sends gave since
 * @returns true when the next connection would use another key
 */
export function refusalLifted(refusal: Refusal, contexts: Pick<SendContexts, 'pinned' | 'writeKey'>): boolean {
  return !contexts.pinned && contexts.writeKey !== refusal.writeKey;
}
