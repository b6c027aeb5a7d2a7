import { describe, expect, it } from 'vitest';
import type { SendContext } from '@tidemark/core';
import { SendContexts, endpointUrl } from './send-contexts.js';

describe('SendContexts', () => {
  it('learns the latest non-empty write key of the sends, and keeps their latest context', () => {
    const contexts = new SendContexts(undefined);
    expect(contexts.writeKey).toBeUndefined();
    expect(contexts.last).toEqual({ writeKey: '' });

    contexts.remember({ writeKey: 'wk_1' });
    const empty = { writeKey: '' };
    contexts.remember(empty);
    contexts.remember('junk' as unknown as SendContext);

    expect(contexts.writeKey).toBe('wk_1');
    expect(contexts.last).toBe(empty);
    expect(contexts.pinned).toBe(false);
  });

  it('keeps the writeKey option over any a send brings', () => {
    const contexts = new SendContexts('wk_option');

    contexts.remember({ writeKey: 'wk_send' });

    expect(contexts.writeKey).toBe('wk_option');
    expect(contexts.pinned).toBe(true);
  });
});

describe('endpointUrl', () => {
  it('puts the app ID in the path and the write key in the query, escaped', () => {
    expect(endpointUrl('wss://c.example', 'my app', 'wk/1')).toBe('wss://c.example/app/my%20app/track?writeKey=wk%2F1');
    expect(endpointUrl('ws://127.0.0.1:9', 'app', undefined)).toBe('ws://127.0.0.1:9/app/app/track');
  });
});
