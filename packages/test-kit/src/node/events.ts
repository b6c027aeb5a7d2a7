import type { TidemarkEvent } from '@tidemark/core';

/**
 * A valid track event for store tests.
 *
 * @param id - becomes the `messageId` and part of the name
 * @param extra - properties, e.g. padding to control the size
 * @returns the event
 */
export function testEvent(id: string | number, extra: Record<string, string | number> = {}): TidemarkEvent {
  return {
    type: 'track',
    event: `event ${id}`,
    messageId: String(id),
    timestamp: new Date().toISOString(),
    anonymousId: 'anon-test-0001',
    properties: extra,
    context: { library: { name: 'test', version: '0' }, sessionId: 1 },
  };
}
