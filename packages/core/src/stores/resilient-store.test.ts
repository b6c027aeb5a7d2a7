import { describe, expect, it } from 'vitest';
import type { TidemarkError } from '../errors.js';
import type { QueueStore } from '../queue-store.js';
import type { TidemarkEvent } from '../types.js';
import { memoryStore } from './memory-store.js';
import { resilientStore } from './resilient-store.js';

const ev = (n: number) => ({ messageId: `m${n}`, event: `e${n}` }) as TidemarkEvent;

/** A store whose operations fail with a DOMException-like error, as IndexedDB's do. */
function brokenStore(): QueueStore {
  const fail = async (): Promise<never> => {
    const err = new Error('The database connection is closing.');
    err.name = 'InvalidStateError';
    throw err;
  };
  return { kind: 'broken', add: fail, peek: fail, remove: fail, count: fail, clear: fail };
}

describe('resilientStore', () => {
  it('reopens once after a failure and carries on with the new connection', async () => {
    let opened = 0;
    let first = true;
    const warnings: TidemarkError[] = [];
    const store = resilientStore(() => {
      opened++;
      if (first) {
        first = false;
        return brokenStore();
      }
      return memoryStore();
    }, (e) => warnings.push(e));
    await store.add([ev(1)]);
    expect(opened).toBe(2);
    expect(await store.count()).toBe(1);
    expect(warnings).toHaveLength(0);
  });

  it('falls back to memory with one warning, losing no event', async () => {
    const warnings: TidemarkError[] = [];
    const store = resilientStore(brokenStore, (e) => warnings.push(e));
    await store.add([ev(1)]);
    await store.add([ev(2)]);
    expect((await store.peek(10)).map((e) => e.event.messageId)).toEqual(['m1', 'm2']);
    expect(store.kind).toBe('memory');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('storage_unavailable');
    expect((warnings[0]!.cause as Error).name).toBe('InvalidStateError');
  });

  it('falls back when opening itself throws', async () => {
    const warnings: TidemarkError[] = [];
    const store = resilientStore(() => {
      throw new Error('SecurityError');
    }, (e) => warnings.push(e));
    await store.add([ev(1)]);
    expect(await store.count()).toBe(1);
    expect(warnings).toHaveLength(1);
  });
});
