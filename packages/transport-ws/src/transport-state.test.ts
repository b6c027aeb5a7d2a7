import { describe, expect, it } from 'vitest';
import { keyRefusal } from './key-refusal.js';
import { stateOf } from './transport-state.js';

describe('stateOf', () => {
  const refusal = keyRefusal('app', { code: 4001, reason: '' }, undefined);
  const socket = (isOpen: boolean, started: boolean) => ({ isOpen, started });

  it('puts closed and stopped before what the socket and the fallback say', () => {
    expect(stateOf({ name: 'closed' }, socket(true, true), true)).toBe('closed');
    expect(stateOf({ name: 'stopped', ...refusal }, socket(true, true), true)).toBe('stopped');
  });

  it('while running, shows the open socket first, then the fallback, then the attempt', () => {
    const running = { name: 'running' } as const;
    expect(stateOf(running, socket(true, true), true)).toBe('open');
    expect(stateOf(running, socket(false, true), true)).toBe('fallback');
    expect(stateOf(running, socket(false, true), false)).toBe('connecting');
    expect(stateOf(running, socket(false, false), false)).toBe('idle');
  });
});
