import { describe, expect, it } from 'vitest';
import { DIRECT, touchOfContext, touchOfRaw } from './touch.js';

describe('touchOfContext', () => {
  it('reads UTM, click IDs and referrer with the Google Analytics defaults', () => {
    expect(touchOfContext({ campaign: { source: 'news', medium: 'email', name: 'spring' } })).toEqual({ source: 'news', medium: 'email', campaign: 'spring', clickIdKind: null, referrerDomain: null });
    expect(touchOfContext({ clickIds: { fbclid: 'F', gclid: 'G' } })).toEqual({ source: 'google', medium: 'cpc', campaign: null, clickIdKind: 'gclid', referrerDomain: null });
    expect(touchOfContext({ campaign: { source: 'partner' } })).toMatchObject({ source: 'partner', medium: '(not set)' });
    expect(touchOfContext({ referrer: 'https://WWW.Example.com/a?b=1' })).toEqual({ source: 'example.com', medium: 'referral', campaign: null, clickIdKind: null, referrerDomain: 'example.com' });
    expect(touchOfContext({})).toEqual(DIRECT);
  });

  it('holds forged contexts to strings of at most 256 characters, and never throws', () => {
    expect(touchOfContext({ campaign: { source: 42, medium: ['x'] }, clickIds: { gclid: '' }, referrer: 'not a url' })).toEqual(DIRECT);
    expect(touchOfContext({ campaign: { source: 's'.repeat(5000) } }).source).toHaveLength(256);
    expect(touchOfContext(JSON.parse('{"clickIds":{"__proto__":{"gclid":"x"}}}'))).toEqual(DIRECT);
    expect(touchOfContext(null)).toEqual(DIRECT);
    expect(touchOfRaw('{not json')).toEqual(DIRECT);
    expect(touchOfRaw('{"context":{"campaign":{"source":"<img src=x>"}}}').source).toBe('<img src=x>');
  });
});
