// Types of `tidemark.min.js` and `snippet.min.js`: the global they define. In a bundled app,
// `import '@tidemark/cdn/tidemark.min.js'`; beside a script tag,
// `/// <reference types="@tidemark/cdn/tidemark.min.js" />`.
//
// The types come from the package's ESM declarations whatever the format of the file that
// reads these (`resolution-mode`, TypeScript ≥ 5.3): browser code is ESM, so
// `window.tidemark.client` is the same `Tidemark` an `import` from '@tidemark/core' gives.
import type { TidemarkGlobal } from '@tidemark/cdn' with { 'resolution-mode': 'import' };

declare global {
  interface Window {
    /** The script-tag API: the snippet's queueing stub until the bundle takes it over. */
    tidemark: TidemarkGlobal;
  }
  /** The script-tag API (`window.tidemark`). */
  var tidemark: TidemarkGlobal;
}
