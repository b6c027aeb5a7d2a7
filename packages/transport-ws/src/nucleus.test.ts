import { describe, expect, it } from 'vitest';
import type { TidemarkEvent } from '@tidemark/core';
import { nucleusEncoder } from './nucleus.js';

const base = {
  messageId: 'm1',
  timestamp: '2026-01-02T03:04:05.000Z',
  anonymousId: 'anon',
  context: {
    library: { name: 'tidemark', version: '1.0.0' },
    sessionId: 1_700_000_000_000,
    locale: 'en-GB',
    os: { name: 'darwin', version: '23.1.0' },
    app: { version: '2.3.4' },
    device: { id: 'dev-hash', totalRam: 16 },
  },
} satisfies Omit<TidemarkEvent, 'type'>;

describe('nucleusEncoder', () => {
  it('maps a session start to init, with the device fields', () => {
    expect(nucleusEncoder({ ...base, type: 'track', event: 'session_start', userId: 'u1' })).toEqual({
      type: 'init',
      name: 'init',
      event: 'init',
      id: 'm1',
      date: '2026-01-02T03:04:05.000Z',
      anonId: 'anon',
      userId: 'u1',
      deviceId: 'dev-hash',
      sessionId: 1_700_000_000_000,
      platform: 'darwin',
      osVersion: '23.1.0',
      totalRam: 16,
      version: '2.3.4',
      language: 'en-GB',
    });
  });

  it('maps a track to an event with its properties as payload and no device fields', () => {
    const out = nucleusEncoder({ ...base, type: 'track', event: 'Clicked', properties: { button: 'buy' } });
    expect(out).toMatchObject({ type: 'event', name: 'Clicked', event: 'Clicked', payload: { button: 'buy' } });
    expect(out).not.toHaveProperty('platform');
    expect(out).not.toHaveProperty('language');
  });

  it('maps identify to userid, or props when it carries traits', () => {
    expect(nucleusEncoder({ ...base, type: 'identify', userId: 'u1' }).type).toBe('userid');
    expect(nucleusEncoder({ ...base, type: 'identify', userId: 'u1', traits: { plan: 'pro' } })).toMatchObject({
      type: 'props',
      payload: { plan: 'pro' },
    });
  });

  it('names page, group and alias calls by type and keeps their fields in the payload', () => {
    expect(nucleusEncoder({ ...base, type: 'page', name: 'Home', properties: { path: '/' } })).toMatchObject({
      name: 'page',
      payload: { name: 'Home', path: '/' },
    });
    expect(nucleusEncoder({ ...base, type: 'group', groupId: 'g1' }).payload).toEqual({ groupId: 'g1' });
    expect(nucleusEncoder({ ...base, type: 'alias', previousId: 'old' }).payload).toEqual({ previousId: 'old' });
  });

  it('uses the anonymous ID as device ID when the context has none', () => {
    const { device: _device, ...context } = base.context;
    expect(nucleusEncoder({ ...base, context, type: 'track', event: 'x' }).deviceId).toBe('anon');
  });
});
