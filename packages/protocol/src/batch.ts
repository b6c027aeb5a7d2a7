import { LIMITS } from './wire.js';

/**
 * Bytes a batch body spends around its events, `{"batch":[…],"sentAt":"…","writeKey":"…"}`,
 * with room for a write key of 100 characters (sent in the body only by beacons).
 */
export const BATCH_ENVELOPE_BYTES = 200;

/**
 * The size of one batch being packed: events join while the body stays within `maxBytes`
 * and `maxEvents`. The first event always joins, so an event too large for any body goes
 * alone (and the collector's 413 tells).
 */
export class BatchSize {
  count = 0;
  bytes = BATCH_ENVELOPE_BYTES;

  /**
   * @param maxBytes - body size limit @default LIMITS.maxBatchBytes
   * @param maxEvents - events per body @default LIMITS.maxBatchEvents
   */
  constructor(
    readonly maxBytes: number = LIMITS.maxBatchBytes,
    readonly maxEvents: number = LIMITS.maxBatchEvents,
  ) {}

  /**
   * Add an event of `size` bytes of JSON when it fits (plus its comma).
   *
   * @param size - the event's UTF-8 JSON length
   * @returns whether it joined the batch
   */
  add(size: number): boolean {
    if (this.count > 0 && (this.count >= this.maxEvents || this.bytes + size + 1 > this.maxBytes)) return false;
    this.count++;
    this.bytes += size + 1;
    return true;
  }
}
