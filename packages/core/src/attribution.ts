import type { KeyValueStorage } from './key-value.js';
import type { CampaignContext, EventContext, PageContext } from './types.js';

/** Storage keys of the attribution: the current session's touch, and the visitor's first. */
export const ATTRIBUTION_KEYS = { session: 'tm_attr', firstTouch: 'tm_first' } as const;

/** UTM query parameters and the `context.campaign` field each fills (Segment's names). */
const UTM_FIELDS: ReadonlyArray<readonly [string, keyof CampaignContext]> = [
  ['utm_source', 'source'],
  ['utm_medium', 'medium'],
  ['utm_campaign', 'name'],
  ['utm_term', 'term'],
  ['utm_content', 'content'],
];

/** Ad-click IDs kept in `context.clickIds`: Google, Meta, TikTok, Microsoft, LinkedIn. */
export const CLICK_ID_PARAMS = ['gclid', 'fbclid', 'ttclid', 'msclkid', 'li_fat_id'] as const;

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

interface StoredSession extends Touch {
  sessionId: number;
}

interface StoredFirst extends FirstTouch {
  anonymousId: string;
}

/**
 * Session attribution (DESIGN.md "Identity and sessions"): the touch captured when a session
 * starts, kept in the shared {@link KeyValueStorage} so reloads and other tabs of the session
 * carry it, and the visitor's first touch, kept until the anonymous ID changes.
 *
 * Per event, {@link SessionAttribution.context} is two comparisons and a cached object:
 * storage is written once per session start and read again only when the session or the
 * visitor changes (another tab started one, or `reset()`).
 */
export class SessionAttribution {
  readonly #storage: KeyValueStorage;
  readonly #base: Partial<EventContext>;
  #session: StoredSession | undefined;
  #first: StoredFirst | undefined;
  /** The session and visitor {@link SessionAttribution.context} last built `#context` for. */
  #forSession = -1;
  #forVisitor = '';
  #context: Partial<EventContext>;

  /**
   * @param storage - where the session's and the first touch persist (shared by tabs)
   * @param base - context fields that never change in this page (library, locale…), merged
   *   under the attribution so the client spreads one object per event
   */
  constructor(storage: KeyValueStorage, base: Partial<EventContext>) {
    this.#storage = storage;
    this.#base = base;
    this.#context = base;
    storage.subscribe?.((key, value) => {
      // Another tab captured a touch (it started the session we share, or reset the visitor).
      if (key === ATTRIBUTION_KEYS.session) this.#session = parseStored(value, isSession);
      else if (key === ATTRIBUTION_KEYS.firstTouch) this.#first = parseStored(value, isFirst);
      else return;
      this.#forSession = -1;
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
    if (!page || typeof page.url !== 'string') return;
    const touch = touchOf(page);
    this.#session = { sessionId, ...touch };
    this.#storage.set(ATTRIBUTION_KEYS.session, JSON.stringify(this.#session));
    if (this.#first?.anonymousId !== anonymousId) this.#first = this.#read(ATTRIBUTION_KEYS.firstTouch, isFirst);
    if (this.#first?.anonymousId !== anonymousId) {
      this.#first = { anonymousId, timestamp: new Date(sessionId).toISOString(), ...touch };
      this.#storage.set(ATTRIBUTION_KEYS.firstTouch, JSON.stringify(this.#first));
    }
    this.#forSession = -1;
  }

  /**
   * The context of an event: the base fields, the session's `campaign`, `clickIds`,
   * `referrer` and `landingPage`, and `firstTouch`.
   *
   * @param sessionId - the event's session
   * @param anonymousId - the event's visitor
   * @returns a shared object: spread it, never change it
   */
  context(sessionId: number, anonymousId: string): Partial<EventContext> {
    if (sessionId === this.#forSession && anonymousId === this.#forVisitor) return this.#context;
    // The session or the visitor changed under us (a reload, or another tab that started the
    // session): storage holds what its starter captured.
    if (this.#session?.sessionId !== sessionId) this.#session = this.#read(ATTRIBUTION_KEYS.session, isSession);
    if (this.#first?.anonymousId !== anonymousId) this.#first = this.#read(ATTRIBUTION_KEYS.firstTouch, isFirst);
    const ctx: Partial<EventContext> = { ...this.#base };
    if (this.#session?.sessionId === sessionId) {
      const { sessionId: _session, ...touch } = this.#session;
      Object.assign(ctx, touch);
    }
    if (this.#first?.anonymousId === anonymousId) {
      const { anonymousId: _visitor, ...first } = this.#first;
      ctx.firstTouch = first;
    }
    this.#forSession = sessionId;
    this.#forVisitor = anonymousId;
    return (this.#context = ctx);
  }

  #read<T>(key: string, valid: (value: Record<string, unknown>) => boolean): T | undefined {
    try {
      return parseStored<T>(this.#storage.get(key), valid);
    } catch {
      return undefined;
    }
  }
}

const isSession = (v: Record<string, unknown>) => typeof v.sessionId === 'number';
const isFirst = (v: Record<string, unknown>) => typeof v.anonymousId === 'string' && typeof v.timestamp === 'string';

/** A stored touch that passes `valid`, or undefined (missing or corrupt). */
function parseStored<T>(text: string | null, valid: (value: Record<string, unknown>) => boolean): T | undefined {
  try {
    const value = JSON.parse(text ?? 'null') as unknown;
    return value && typeof value === 'object' && valid(value as Record<string, unknown>) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
