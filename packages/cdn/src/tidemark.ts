// The script-tag bundle `tidemark.min.js`: core + HTTP transport behind `window.tidemark`.
// It takes over the loader snippet's stub (replaying its queued calls) and, when a
// `<script data-write-key>` configures it, starts without any other code. It never writes
// to the DOM and needs no `eval`, so it runs under `script-src 'self'`.
import { TidemarkError } from '@tidemark/core';
import { configScript, tagOptions } from './tag-options.js';
import { createTidemarkGlobal, type TidemarkGlobal } from './tidemark-global.js';

const w = window as unknown as { tidemark?: Partial<TidemarkGlobal> };

// A second copy of the bundle on the page leaves the first in charge.
if (!w.tidemark?.version) {
  const el = configScript();
  const defaults = el ? tagOptions(el) : {};
  const api = (w.tidemark = createTidemarkGlobal(w.tidemark ?? {}, defaults));
  if (defaults.writeKey && !api.client) {
    try {
      api.init({} as never);
    } catch (err) {
      // A wrong tag must not throw into the page: say how to fix it instead.
      console.warn(`[tidemark] ${err instanceof TidemarkError ? err.message : String(err)}`);
    }
  }
}
