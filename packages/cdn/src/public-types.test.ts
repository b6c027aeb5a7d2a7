import { describe, expectTypeOf, it } from 'vitest';
import type { FlushResult, Tidemark } from '@tidemark/core';
import type { ScriptTagOptions, TidemarkGlobal } from './index.js';

// Type tests of the script-tag API, checked by `pnpm typecheck` (tsc) and run by vitest.
describe('public types', () => {
  it('types window.tidemark as documented', () => {
    expectTypeOf<TidemarkGlobal['init']>().returns.toEqualTypeOf<Tidemark>();
    expectTypeOf<TidemarkGlobal['flush']>().returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf<TidemarkGlobal['getAnonymousId']>().returns.toEqualTypeOf<string | undefined>();
    expectTypeOf<TidemarkGlobal['attributionHeaders']>().returns.toEqualTypeOf<Record<string, string>>();
    expectTypeOf<TidemarkGlobal['client']>().toEqualTypeOf<Tidemark | undefined>();
    expectTypeOf<ScriptTagOptions>().toHaveProperty('host');
    expectTypeOf<ScriptTagOptions>().toHaveProperty('autoPage');
    expectTypeOf<ScriptTagOptions['path']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ScriptTagOptions['receiptsPath']>().toEqualTypeOf<string | undefined>();
  });

  it('rejects misuse', () => {
    const use = (tidemark: TidemarkGlobal) => {
      // @ts-expect-error an event name is a string
      tidemark.track(42);
      // @ts-expect-error consent is 'pending' | 'granted' | 'denied'
      tidemark.setConsent('yes');
      // @ts-expect-error writeKey is required
      tidemark.init({ host: 'https://collector.example' });
      // @ts-expect-error events are error, drop, delivered or custom strings with typed payloads
      tidemark.on('delivered', (payload: { count: number }) => payload);
    };
    expectTypeOf(use).toBeFunction();
  });
});
