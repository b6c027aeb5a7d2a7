// The loader snippet `snippet.min.js`: paste it inline (or load it as a file under a strict
// CSP). It defines a stub `window.tidemark` whose methods queue their calls with the time
// they were made, then loads the bundle async; the bundle replays the queue in order. If the
// bundle never arrives (blocked, offline), the stub keeps taking calls and nothing throws.
//
// The bundle's URL is the tag's `data-src`; for the file form it defaults to
// `tidemark.min.js` beside the snippet. `data-integrity` adds Subresource Integrity.
import { MAX_QUEUED_CALLS, QUEUED_METHODS, type QueuedCall } from './call-queue.js';

type Stub = Record<string, unknown> & { q?: QueuedCall[]; version?: string };

const w = window as unknown as { tidemark?: Stub };
const d = document;
const stub: Stub = (w.tidemark ||= {});

// Already queued by an earlier copy of the snippet, or the bundle is already running.
if (!stub.q && !stub.version) {
  const q: QueuedCall[] = (stub.q = []);
  // Bounded (as the bundle's own buffer is), so a page whose bundle never arrives cannot grow without end.
  for (const method of QUEUED_METHODS) stub[method] = (...args: unknown[]) => void (q.length < MAX_QUEUED_CALLS && q.push([method, args, Date.now()]));
  stub.flush = () => new Promise((resolve) => q.push(['flush', [], Date.now(), resolve]));
  // Read before the bundle arrives, these answer "not yet" rather than throw.
  stub.getAnonymousId = () => undefined;
  stub.attributionHeaders = () => ({});
  const me = d.currentScript as HTMLScriptElement | null;
  const el = d.createElement('script');
  el.async = true;
  el.src = me?.dataset.src || (me?.src ? new URL('tidemark.min.js', me.src).href : '/sdk/tidemark.min.js');
  if (me?.dataset.integrity) {
    el.integrity = me.dataset.integrity;
    el.crossOrigin = 'anonymous';
  }
  d.head.appendChild(el);
}
