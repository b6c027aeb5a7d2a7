import { describe, expectTypeOf, it } from 'vitest';
import type * as electron from 'electron';
import type { ElectronMain, ElectronPreload } from './electron-types.js';
import { initMain, type TidemarkMain } from './init-main.js';
import { exposeTidemark } from './preload.js';

// Type tests against the real `electron` package (a devDependency for its types only: its
// binary is never downloaded). `require('electron')` must fit the small interfaces as it is.
describe('the electron package', () => {
  it('fits the main-process and preload interfaces', () => {
    expectTypeOf<typeof electron>().toExtend<ElectronMain>();
    expectTypeOf<typeof electron>().toExtend<ElectronPreload>();
  });

  it('takes require("electron") as documented', () => {
    const main = (e: typeof electron) => initMain({ writeKey: 'wk_123', host: 'https://collector.example', electron: e });
    const preload = (e: typeof electron) => exposeTidemark(e);
    expectTypeOf(main).returns.toEqualTypeOf<TidemarkMain>();
    expectTypeOf(preload).toBeFunction();
  });
});
