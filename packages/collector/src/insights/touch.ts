import { CLICK_ID_PARAMS, type ClickIdParam } from '@tidemark/protocol';
/** What brought a visitor to one session, as the attribution rows group it. */
export interface TouchRow {
  /** `utm_source`, else the ad network of a click ID, else the referrer's domain, else `(direct)`. */
  source: string;
  /** `utm_medium`, else `cpc` for a click ID, `referral` for a referrer, `(none)` for direct, `(not set)` for a source without medium. */
  medium: string;
  /** `utm_campaign`, or null. */
  campaign: string | null;
  /** The first click ID present (`gclid`, `fbclid`, `ttclid`, `msclkid`, `li_fat_id`), or null. */
  clickIdKind: string | null;
  /** The referrer's host without `www.`, or null. */
  referrerDomain: string | null;
}

/** The touch of a visit with no campaign, click ID or referrer. */
export const DIRECT: Readonly<TouchRow> = Object.freeze({ source: '(direct)', medium: '(none)', campaign: null, clickIdKind: null, referrerDomain: null });

/**
 * The network each click ID means, for visits tagged by auto-tagging alone (a `gclid`
 * without UTM parameters is Google Ads); typed by the protocol's list, so a new click ID
 * cannot go without its network.
 */
const NETWORK_OF: Readonly<Record<ClickIdParam, string>> = { gclid: 'google', fbclid: 'facebook', ttclid: 'tiktok', msclkid: 'bing', li_fat_id: 'linkedin' };
/** Click IDs in the SDK's order of preference, with their networks. */
const CLICK_SOURCES = CLICK_ID_PARAMS.map((param) => [param, NETWORK_OF[param]] as const);

/** The SDK caps each value at 256 characters; forged events are held to the same. */
const MAX_CHARS = 256;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value.slice(0, MAX_CHARS) : null);
const objectOf = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The host of a referrer URL, lower case, without `www.`; null when it does not parse. */
function domainOf(referrer: string | null): string | null {
  if (referrer === null) return null;
  try {
    const host = new URL(referrer).hostname.toLowerCase();
    return host ? host.replace(/^www\./, '').slice(0, MAX_CHARS) : null;
  } catch {
    return null;
  }
}

/**
 * Read the touch of an event's `context` (`campaign`, `clickIds`, `referrer`, as the SDK
 * stamps them at session start), with the defaults Google Analytics users know.
 *
 * @param context - the event's `context` (anything: stored JSON is not trusted)
 * @returns the touch; {@link DIRECT} when it names no source
 * @example touchOfContext({ campaign: { source: 'google' }, clickIds: { gclid: 'abc' } })
 *   // { source: 'google', medium: 'cpc', campaign: null, clickIdKind: 'gclid', referrerDomain: null }
 */
export function touchOfContext(context: unknown): TouchRow {
  const ctx = objectOf(context);
  const campaign = objectOf(ctx.campaign);
  const clickIds = objectOf(ctx.clickIds);
  const click = CLICK_SOURCES.find(([param]) => Object.hasOwn(clickIds, param) && text(clickIds[param]) !== null);
  const referrerDomain = domainOf(text(ctx.referrer));
  const utmSource = text(campaign.source);
  const source = utmSource ?? click?.[1] ?? referrerDomain;
  if (source === null) return DIRECT;
  const medium = text(campaign.medium) ?? (click ? 'cpc' : utmSource !== null ? '(not set)' : 'referral');
  return { source, medium, campaign: text(campaign.name), clickIdKind: click?.[0] ?? null, referrerDomain };
}

/**
 * The touch of a stored event's raw JSON.
 *
 * @param raw - the event as stored
 * @returns its touch, {@link DIRECT} for none or JSON that does not parse
 */
export function touchOfRaw(raw: string): TouchRow {
  try {
    return touchOfContext(objectOf(JSON.parse(raw)).context);
  } catch {
    return DIRECT;
  }
}

/**
 * Whether a touch names a source.
 *
 * @param touch - a touch
 * @returns false for {@link DIRECT}
 */
export const isDirect = (touch: TouchRow): boolean => touch.source === DIRECT.source && touch.referrerDomain === null && touch.clickIdKind === null;
