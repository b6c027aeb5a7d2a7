import { SessionAttribution } from './attribution.js';
import type { KeyValueStorage } from './key-value.js';
import { pageContext, staticContext, type ContextProvider } from './platform/browser-context.js';
import type { EventContext, PageContext } from './types.js';

/**
 * Builds the `context` of events: the environment read once, the session's attribution, and
 * what the provider adds per event (by default the page). Events of one tick share one
 * object, so a burst of calls reads the page and merges attribution once; a new session or
 * visitor, a `page()` call, or the next tick rebuilds it. A custom provider (Electron's
 * per-window context) is asked for every event, since only the page is known to hold still
 * within a tick.
 */
export class EventContextBuilder {
  readonly attribution: SessionAttribution;
  readonly #provider: ContextProvider;
  readonly #cache: boolean;
  #tick: EventContext | undefined;

  /**
   * @param storage - where attribution is kept
   * @param library - `context.library`
   * @param provider - per-event fields; the page when omitted
   */
  constructor(storage: KeyValueStorage, library: { name: string; version: string }, provider?: ContextProvider) {
    this.attribution = new SessionAttribution(storage, { ...staticContext(), library });
    this.#provider = provider ?? pageContextProvider;
    this.#cache = !provider;
  }

  /** The page now, from the provider (for page views and attribution at session start). */
  page(): PageContext | undefined {
    return this.#provider().page as PageContext | undefined;
  }

  /** Forget the tick's context: the URL may have changed within the tick (SPA navigation). */
  invalidate(): void {
    this.#tick = undefined;
  }

  /**
   * The context of an event of this session and visitor.
   *
   * @param sessionId - current session
   * @param anonymousId - current visitor
   * @returns the context (shared within the tick; do not mutate)
   */
  for(sessionId: number, anonymousId: string): EventContext {
    const cached = this.#tick;
    if (cached && cached.sessionId === sessionId && cached.anonymousId === anonymousId) return cached;
    if (!this.#cache) return this.#build(sessionId, anonymousId);
    if (!cached) queueMicrotask(() => (this.#tick = undefined));
    return (this.#tick = this.#build(sessionId, anonymousId));
  }

  #build(sessionId: number, anonymousId: string): EventContext {
    const ctx = { ...this.attribution.context(sessionId, anonymousId), ...this.#provider(), sessionId } as EventContext;
    // Remember the visitor without sending it twice: a non-enumerable tag JSON leaves out.
    Object.defineProperty(ctx, 'anonymousId', { value: anonymousId, enumerable: false });
    return ctx;
  }
}

function pageContextProvider(): Partial<EventContext> {
  const page = pageContext();
  return page ? { page } : {};
}
