import { afterEach, describe, expect, it, vi } from 'vitest';
import { messageId } from './message-id.js';

describe('messageId', () => {
  it('makes 21-character URL-safe IDs without repeats across pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(messageId());
    expect(ids.size).toBe(20_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) for (const c of messageId()) seen.add(c);
    expect(seen.size).toBe(64);
  });
});

// A runtime without Web Crypto (Node 18): a fresh copy of the module, with the global removed.
describe('random source', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  const withoutWebCrypto = async () => {
    vi.stubGlobal('crypto', undefined);
    vi.resetModules();
    return import('./message-id.js');
  };

  it('refuses at set-up, with the fix, when there is none', async () => {
    const { useRandomValues } = await withoutWebCrypto();
    const error = (() => {
      try {
        useRandomValues();
      } catch (err) {
        return err as { name: string; code: string; message: string };
      }
    })();
    expect(error).toMatchObject({ name: 'TidemarkError', code: 'invalid_option' });
    expect(error?.message).toContain('randomValues');
  });

  it('takes its bytes from an injected source', async () => {
    const { useRandomValues, messageId: fresh } = await withoutWebCrypto();
    const calls: number[] = [];
    useRandomValues((bytes) => {
      calls.push(bytes.length);
      return bytes.fill(0);
    });
    expect(fresh()).toBe('u'.repeat(21));
    expect(calls).toEqual([4096]);
  });

  it('refuses a source that is not a function', async () => {
    const { useRandomValues } = await withoutWebCrypto();
    expect(() => useRandomValues('random' as never)).toThrow(/randomValues must be a function/);
  });
});
