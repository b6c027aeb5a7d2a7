// Hostile and careless calls (issue: nothing thrown into the app, nothing lost beside the bad
// call). Each test names the defect it guards against; each failed before its fix.
import { describe, expect, it } from 'vitest';
import { names, setup } from './client-fixture.js';
import { memoryStore } from './stores/memory-store.js';
import type { QueueStore } from './queue-store.js';

const trapProto = () => new Proxy({}, { getPrototypeOf() { throw new Error('getPrototypeOf trap'); } });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const trapKeys = () => new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } });

describe('hostile values', () => {
  it('a Proxy with a throwing getPrototypeOf, or a revoked Proxy, loses only itself: neighbours of the tick arrive (defect 1)', async () => {
    const { client, transport, errors } = setup();
    client.track('before');
    client.track('trap', { p: trapProto() });
    client.track('revoked', revoked() as Record<string, unknown>);
    client.identify(undefined, { t: trapProto() });
    client.track('after', { nested: { deep: [revoked()] } });
    const result = await client.flush(); // resolves, never rejects
    expect(names(transport.delivered)).toEqual(['session_start', 'before', 'trap', 'revoked', 'identify', 'after']);
    expect(transport.delivered.find((e) => e.event === 'trap')!.properties).toEqual({ p: null });
    expect(transport.delivered.find((e) => e.event === 'revoked')!.properties).toEqual({});
    expect(transport.delivered.find((e) => e.event === 'after')!.properties).toEqual({ nested: { deep: [null] } });
    expect(result).toMatchObject({ pending: 0 });
    expect(errors.map((e) => e.code)).toEqual(['unreadable_value', 'unreadable_value', 'unreadable_value', 'unreadable_value']);
    // identify() reports at the call; track() calls when their tick is prepared.
    expect(errors.map((e) => e.message.split(' could')[0])).toEqual([
      '1 value(s) of identify() traits',
      '1 value(s) of the track("trap") call\'s data',
      '1 value(s) of the track("revoked") call\'s data',
      '1 value(s) of the track("after") call\'s data',
    ]);
    expect(errors[1]!.message).toMatch(/could not be read .* pass plain data/);
  });

  it('page() with a throwing getter or a Proxy whose ownKeys throws does not throw into the app (defect 2)', async () => {
    const { client, transport, errors } = setup();
    const getter = { ok: 1, get boom(): never { throw new Error('getter'); } };
    expect(() => client.page('Pricing', getter)).not.toThrow();
    expect(() => client.page('Docs', trapKeys() as Record<string, unknown>)).not.toThrow();
    expect(() => client.page(42 as unknown as string)).not.toThrow();
    client.track('after');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'page', 'page', 'after']);
    expect(transport.delivered[1]!.properties).toMatchObject({ ok: 1 });
    expect(errors.map((e) => e.code)).toEqual(['unreadable_value', 'unreadable_value', 'invalid_event']);
    expect(errors[2]!.message).toMatch(/page\(\) name must be a string of at most 200 characters \(got 42\)/);
  });

  it('identify() with BigInt or circular traits sends them converted and leaves later identify() calls working (defect 3)', async () => {
    const { client, transport, errors } = setup();
    const circular: Record<string, unknown> = { name: 'Ada' };
    circular.self = circular;
    expect(() => client.identify('u1', { big: 10n })).not.toThrow();
    client.identify('u1', circular);
    client.identify('u1', { plan: 'pro' });
    await client.flush();
    const identifies = transport.delivered.filter((e) => e.type === 'identify');
    expect(identifies.map((e) => e.traits)).toEqual([{ big: '10' }, { name: 'Ada', self: '[Circular]' }, { plan: 'pro' }]);
    expect(errors).toEqual([]);
  });

  it('identify()/alias()/group() refuse IDs the collector would refuse, and events keep flowing under the old ID (defect 4)', async () => {
    const { client, transport, errors } = setup();
    client.identify('user_1');
    const jwt = `eyJ${'a'.repeat(800)}`;
    client.identify(jwt);
    client.alias(jwt);
    client.alias('user_2', 'x\u0000y');
    client.group('g'.repeat(201));
    client.identify('');
    client.track('after');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'identify', 'after']);
    expect(transport.delivered.at(-1)!.userId).toBe('user_1');
    expect(client.getUserId()).toBe('user_1');
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('invalid_event'));
    expect(errors[0]!.message).toMatch(/identify\(\) user ID .* at most 200 characters .*got a string of 803 characters/);
  });

  it('a stored user ID the collector would refuse (an older version wrote it) is not used', async () => {
    const first = setup();
    first.storage.set('tm_uid', 'u'.repeat(500));
    const { client, transport } = setup({ storage: first.storage });
    client.track('after');
    await client.flush();
    expect(client.getUserId()).toBeUndefined();
    expect(transport.delivered.at(-1)!.userId).toBeUndefined();
  });
});

describe('careless calls', () => {
  it('methods taken off the client keep working', async () => {
    const { client, transport } = setup();
    const { track, identify, flush } = client;
    expect(() => track('detached')).not.toThrow();
    identify('user_1');
    await flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'detached', 'identify']);
  });
});

describe('consent transitions', () => {
  it('optOut(); track(); optIn(); track(good) in one tick keeps the good event and drops the rest (defect 6)', async () => {
    const { client, transport, drops } = setup();
    client.track('before-opt-out');
    client.optOut();
    client.track('while-out');
    client.optIn();
    client.track('good');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await client.flush();
    expect(names(transport.delivered)).toEqual(['good']);
    expect(drops).toEqual([{ reason: 'consent', count: 2 }]); // session_start and before-opt-out
  });

  it('granted → pending → granted moves every event out of the durable store and back, in order', async () => {
    const durable: QueueStore = memoryStore();
    const { client, transport } = setup({ store: durable, flushAt: 1_000, flushInterval: 60_000 });
    for (let i = 0; i < 1_200; i++) client.track(`e${i}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    client.setConsent('pending');
    client.track('pending-1');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await durable.count()).toBe(0);
    client.setConsent('granted');
    client.track('granted-1');
    await client.flush();
    const sent = names(transport.delivered);
    expect(sent).toEqual(['session_start', ...Array.from({ length: 1_200 }, (_, i) => `e${i}`), 'pending-1', 'granted-1']);
  });
});
