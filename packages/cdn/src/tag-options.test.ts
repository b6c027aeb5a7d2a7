import { describe, expect, it } from 'vitest';
import { tagOptions } from './tag-options.js';

describe('tagOptions', () => {
  it('reads every data attribute, the service worker included, and flags as booleans', () => {
    const el = { dataset: { writeKey: 'wk_1', host: 'https://c.example', consent: 'pending', serviceWorker: '/tidemark-sw.js', autoPage: '', debug: 'false' } } as unknown as HTMLScriptElement;
    expect(tagOptions(el)).toEqual({ writeKey: 'wk_1', host: 'https://c.example', consent: 'pending', serviceWorker: '/tidemark-sw.js', autoPage: true, debug: false });
  });

  it('sets nothing a tag does not carry', () => {
    expect(tagOptions({ dataset: { writeKey: 'wk_1' } } as unknown as HTMLScriptElement)).toEqual({ writeKey: 'wk_1' });
  });
});
