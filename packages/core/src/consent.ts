import type { EventQueue, DropInfo } from './event-queue.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';

/** Storage key of the persisted consent choice. */
export const CONSENT_KEY = 'tm_consent';

/** Whether a value is a consent state. */
export const isConsent = (value: unknown): value is 'pending' | 'granted' | 'denied' =>
  value === 'pending' || value === 'granted' || value === 'denied';

/**
 * Move the queue to where a consent state keeps events: `granted` moves events held in
 * memory into the durable store (then `onGranted` schedules a send); `pending` keeps new and
 * queued events in memory only; `denied` drops everything, durable copies included, and
 * counts it.
 *
 * The queue's store changes are registered synchronously, in call order, in the queue's
 * write chain: `optOut(); optIn(); track(x)` in one tick clears what came before the opt-out
 * and keeps `x`.
 *
 * @param consent - the new state
 * @param queue - the client's queue
 * @param durable - the client's durable store
 * @param onDrop - told how many events `denied` dropped
 * @param onGranted - called once the events are durable
 * @returns when the move is done
 */
export async function applyConsent(
  consent: 'pending' | 'granted' | 'denied',
  queue: EventQueue,
  durable: QueueStore,
  onDrop: (info: DropInfo) => void,
  onGranted: () => void,
): Promise<void> {
  if (consent === 'granted') {
    await queue.moveTo(durable);
    onGranted();
  } else if (consent === 'pending') {
    await queue.moveTo(memoryStore());
  } else {
    const [count] = await Promise.all([queue.clear([durable]), queue.moveTo(memoryStore())]);
    if (count) onDrop({ reason: 'consent', count });
  }
}
