import { describe, expect, it } from 'vitest';
import { EventContextBuilder } from './event-context.js';
import { memoryKeyValue } from './key-value.js';

const library = { name: 'test', version: '0' };

describe('EventContextBuilder', () => {
  it('asks a custom provider for every event, so per-window context is never shared', () => {
    let n = 0;
    const builder = new EventContextBuilder(memoryKeyValue(), library, () => ({ app: { window: ++n } }));
    const a = builder.for(1, 'anon-12345');
    const b = builder.for(1, 'anon-12345');
    expect(a.app).toEqual({ window: 1 });
    expect(b.app).toEqual({ window: 2 });
    expect(JSON.parse(JSON.stringify(a))).toMatchObject({ library, sessionId: 1 });
    expect(JSON.stringify(a)).not.toContain('anon-12345'); // the visitor tag stays out of the wire
  });

  it('shares the default context within a tick and rebuilds it for a new session, a page() or the next tick', async () => {
    const builder = new EventContextBuilder(memoryKeyValue(), library);
    const first = builder.for(1, 'anon-12345');
    expect(builder.for(1, 'anon-12345')).toBe(first);
    expect(builder.for(2, 'anon-12345')).not.toBe(first);
    const again = builder.for(2, 'anon-12345');
    builder.invalidate();
    expect(builder.for(2, 'anon-12345')).not.toBe(again);
    const beforeTick = builder.for(2, 'anon-12345');
    await Promise.resolve();
    expect(builder.for(2, 'anon-12345')).not.toBe(beforeTick);
  });
});
