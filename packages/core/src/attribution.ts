import { CLICK_ID_PARAMS } from '@tidemark/protocol';
import type { KeyValueStorage } from './key-value.js';
import type { CampaignContext, EventContext, PageContext } from './types.js';

/** Storage key of the attribution: the current session's touch and the visitor's first. */
export const ATTRIBUTION_KEY = 'tm_attr';

/** UTM query parameters and the `context.campaign` field each fills (Segment's names). */
const UTM_FIELDS: ReadonlyArray<readonly [string, keyof CampaignContext]> = [
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
];


// Caps, because a crafted landing URL would otherwise ride on every event of the session and
// could push them past the 32 KB event limit.
const MAX_PARAM_CHARS = 256;
const MAX_URL_CHARS = 1024;

/** What brought the visitor: captured from the landing page when a session starts. */
export interface Touch {
  /** UTM parameters of the landing URL. */
  campaign?: CampaignContext;
  /** Ad-click IDs of the landing URL, by parameter name (`gclid`…). */
  clickIds?: Record<string, string>;
  /** The external page that linked here; absent for direct visits and same-site referrers. */
  referrer?: string;
  /** The URL the session started on. */
  landingPage?: string;
}

/** The visitor's first {@link Touch}, kept for the life of the anonymous ID. */
export interface FirstTouch extends Touch {
  /** ISO 8601 time of the first session's start. */
  timestamp: string;
}

/**
 * Read the touch of a landing page: UTM parameters, click IDs, the referrer (when it is
 * another site) and the landing URL itself. Values are capped in length.
 *
 * @param page - the page the session starts on (`url` and `referrer` are used)
 * @returns the touch; `{}` for a URL that does not parse
 * @example touchOf({ url: 'https://shop.example/?utm_source=news&gclid=abc', referrer: '' })
 *   // { campaign: { source: 'news' }, clickIds: { gclid: 'abc' }, landingPage: 'https://shop.example/?utm_source=news&gclid=abc' }
 */
export function touchOf(page: Pick<PageContext, 'url' | 'referrer'>): Touch {
  let url: URL;
  try {
    url = new URL(page.url);
  } catch {
    return {};
  }
  const touch: Touch = { landingPage: page.url.slice(0, MAX_URL_CHARS) };
  const params = url.searchParams;
  const campaign: CampaignContext = {};
  for (const [param, field] of UTM_FIELDS) {
    const value = params.get(param);
    if (value) campaign[field] = value.slice(0, MAX_PARAM_CHARS);
  }
  if (Object.keys(campaign).length) touch.campaign = campaign;
  const clickIds: Record<string, string> = {};
  for (const param of CLICK_ID_PARAMS) {
    const value = params.get(param);
    if (value) clickIds[param] = value.slice(0, MAX_PARAM_CHARS);
  }
  if (Object.keys(clickIds).length) touch.clickIds = clickIds;
  if (page.referrer && !sameSite(page.referrer, url)) touch.referrer = page.referrer.slice(0, MAX_URL_CHARS);
  return touch;
}

/** A referrer on the landing page's own host is navigation within the site, not a source. */
function sameSite(referrer: string, landing: URL): boolean {
  try {
    return new URL(referrer).host === landing.host;
  } catch {
    return false;
  }
}

/** What the storage holds: the current session's touch and the visitor's first. */
interface Stored {
  sessionId: number;
  touch: Touch;
  anonymousId: string;
  firstTouch: FirstTouch;
}

/**
 * Session attribution (docs/architecture.md, "Identity and sessions"): the touch captured
 * when a session starts, kept in the shared {@link KeyValueStorage} so reloads and other tabs of the session
 * carry it, and the visitor's first touch, kept until the anonymous ID changes.
 *
 * Per event, {@link SessionAttribution.context} is two comparisons and a cached object:
 * storage is written once per session start and read again only when the session or the
 * visitor changes (a reload, another tab that started the session, `reset()`).
 */
export class SessionAttribution {
  readonly #storage: KeyValueStorage;
  readonly #base: Partial<EventContext>;
  #stored: Stored | undefined;
  /** The session and visitor `#context` was built for; -1 when it must be rebuilt. */
  #forSession = -1;
  #forVisitor = '';
  #context: Partial<EventContext>;

  /**
   * @param storage - where the touches persist (shared by tabs)
   * @param base - context fields that never change in this page (library, locale…), merged
   *   under the attribution so the client spreads one object per event
   */
  constructor(storage: KeyValueStorage, base: Partial<EventContext>) {
    this.#storage = storage;
    this.#base = this.#context = base;
    storage.subscribe?.((key) => {
      // Another tab captured a touch: read it on the next event.
      if (key === ATTRIBUTION_KEY) this.#stored = undefined, this.#forSession = -1;
    });
  }

  /**
   * Capture the touch of a session that starts now, and make it the visitor's first touch
   * when they have none.
   *
   * @param sessionId - the new session's ID (its start time in ms)
   * @param anonymousId - the visitor
   * @param page - the page the session starts on; without one (no browser) nothing is captured
   */
  start(sessionId: number, anonymousId: string, page: Pick<PageContext, 'url' | 'referrer'> | undefined): void {
    if (typeof page?.url !== 'string') return;
    const touch = touchOf(page);
    const previous = this.#read();
    const firstTouch = previous?.anonymousId === anonymousId ? previous.firstTouch : { timestamp: new Date(sessionId).toISOString(), ...touch };
    this.#stored = { sessionId, touch, anonymousId, firstTouch };
    this.#storage.set(ATTRIBUTION_KEY, JSON.stringify(this.#stored));
    this.#forSession = -1;
  }

  /**
   * The context of an event: the base fields, the session's `campaign`, `clickIds`,
   * `referrer` and `landingPage`, and the visitor's `firstTouch`.
   *
   * @param sessionId - the event's session
   * @param anonymousId - the event's visitor
   * @returns a shared object: spread it, never change it
   */
  context(sessionId: number, anonymousId: string): Partial<EventContext> {
    if (sessionId === this.#forSession && anonymousId === this.#forVisitor) return this.#context;
    let stored = this.#stored;
    if (stored?.sessionId !== sessionId || stored.anonymousId !== anonymousId) stored = this.#stored = this.#read();
    const ctx: Partial<EventContext> = { ...this.#base };
    if (stored?.sessionId === sessionId) Object.assign(ctx, stored.touch);
    if (stored?.anonymousId === anonymousId) ctx.firstTouch = stored.firstTouch;
    this.#forSession = sessionId;
    this.#forVisitor = anonymousId;
    return (this.#context = ctx);
  }

  /** The stored touches, or undefined when missing or corrupt. */
  #read(): Stored | undefined {
    try {
      const value = JSON.parse(this.#storage.get(ATTRIBUTION_KEY) ?? 'null') as Stored | null;
      return typeof value?.sessionId === 'number' && typeof value.anonymousId === 'string' && value.touch && value.firstTouch ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
