import { describe, expect, it } from 'vitest';
import { keyRefusal, refusalLifted } from './key-refusal.js';

describe('keyRefusal', () => {
  it('says which app ID and close code were refused, and how to recover', () => {
    const refusal = keyRefusal('my-app', { code: 4001, reason: 'unauthorized' }, 'wk_1');

    expect(refusal.writeKey).toBe('wk_1');
    expect(refusal.error.code).toBe('unauthorized');
    expect(refusal.error.message).toContain('"my-app"');
    expect(refusal.error.message).toContain('close 4001 unauthorized');
    expect(keyRefusal('my-app', { code: 1008, reason: '' }, undefined).error.message).toContain('close 1008)');
  });

  it('is lifted only by another write key from the sends, never when the option pins it', () => {
    const refusal = keyRefusal('app', { code: 4001, reason: '' }, 'wk_old');

    expect(refusalLifted(refusal, { pinned: false, writeKey: 'wk_old' })).toBe(false);
    expect(refusalLifted(refusal, { pinned: false, writeKey: 'wk_new' })).toBe(true);
    expect(refusalLifted(refusal, { pinned: true, writeKey: 'wk_new' })).toBe(false);
  });
});
