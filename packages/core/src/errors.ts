import { CodedError, explain, SENTENCES } from '@tidemark/protocol';
import type { Rejection } from './transport.js';

/**
 * Stable error codes of Tidemark. Branch on `code`, never on the message.
 * - `invalid_option`: a set-up option is missing or wrong (thrown at set-up).
 * - `invalid_event`: a call's arguments cannot make an event (reported, event dropped).
 * - `event_too_large`: the serialized event exceeds 32 KB (reported, event dropped).
 * - `unreadable_value`: part of a call's properties or traits could not be read (a throwing
 *   getter or Proxy trap) or was not an object; it was left out and the event sent (reported).
 * - `storage_unavailable`: durable storage failed; Tidemark fell back to memory.
 * - `unauthorized`: the collector refused the write key (401/403); sending stopped.
 * - `rejected`: the collector permanently refused an event (400/422).
 * - `network`: a request failed or timed out; it will be retried.
 * - `server`: the collector answered 408/429/5xx; it will be retried.
 * - `protocol`: the collector answered something Tidemark cannot read.
 * - `closed`: the client was closed.
 */
export type TidemarkErrorCode =
  | 'invalid_option'
  | 'invalid_event'
  | 'event_too_large'
  | 'unreadable_value'
  | 'storage_unavailable'
  | 'unauthorized'
  | 'rejected'
  | 'network'
  | 'server'
  | 'protocol'
  | 'closed';

/**
 * The one error class of Tidemark.
 *
 * @example
 * client.on('error', (err) => { if (err.code === 'unauthorized') rotateKey(); });
 */
export class TidemarkError extends CodedError<TidemarkErrorCode> {
  /**
   * @param code - stable code of the failure
   * @param message - what went wrong and how to fix it
   * @param cause - the platform error behind it (a `DOMException`, a `TypeError` from fetch…)
   */
  constructor(code: TidemarkErrorCode, message: string, cause?: unknown) {
    super('TidemarkError', code, message, cause);
  }
}

/**
 * The error a drainer reports when the collector refused events for good (400/422): how many,
 * and the first reason. The client and the service worker's drainer both report it.
 *
 * @param rejections - the refused events and the collector's reasons (at least one)
 * @returns a `rejected` error
 */
export function rejectedError(rejections: Rejection[]): TidemarkError {
  return new TidemarkError('rejected', SENTENCES ? `The collector refused ${rejections.length} event(s): ${rejections[0]!.reason}` : explain('TM07'));
}
