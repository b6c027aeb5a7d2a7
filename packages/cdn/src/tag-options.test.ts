import { describe, expect, it } from 'vitest';
import { tagOptions } from './tag-options.js';

describe('tagOptions', () => {
  it('reads every data attribute, the service worker included, and flags as booleans', () => {
    const el = { dataset: { writeKey: 'wk_1', host: 'https://c.example', consent: 'pending', serviceWorker: '/tidemark-sw.js', autoPage: '', debug: 'false' } } as unknown as HTMLScriptElement;
    expect(tagOptions(el)).toEqual({ writeKey: 'wk_1', host: 'https://c.example', consent: 'pending', serviceWorker: '/tidemark-sw.js', autoPage: true, debug: false });
  });

  it('reads the privacy and cross-subdomain attributes', () => {
    const tag = (dataset: Record<string, string>) => tagOptions({ dataset: { writeKey: 'wk_1', ...dataset } } as unknown as HTMLScriptElement);
    expect(tag({ respectGpc: '' })).toMatchObject({ respectGpc: true });
    expect(tag({ respectGpc: 'pending' })).toMatchObject({ respectGpc: 'pending' });
    expect(tag({ respectGpc: 'false' })).toMatchObject({ respectGpc: false });
    expect(tag({ persistence: 'memory' })).toMatchObject({ persistence: 'memory' });
    expect(tag({ cookieDomain: 'shop.example' })).toMatchObject({ cookie: { domain: 'shop.example' } });
  });

  it('reads the paths that point the HTTP transport at a first-party relay', () => {
    const el = { dataset: { writeKey: 'wk_1', host: 'https://www.shop.example', path: '/t/batch', receiptsPath: '/t/receipts' } } as unknown as HTMLScriptElement;
    expect(tagOptions(el)).toEqual({ writeKey: 'wk_1', host: 'https://www.shop.example', path: '/t/batch', receiptsPath: '/t/receipts' });
  });

  it('sets nothing a tag does not carry', () => {
    expect(tagOptions({ dataset: { writeKey: 'wk_1' } } as unknown as HTMLScriptElement)).toEqual({ writeKey: 'wk_1' });
  });
});
