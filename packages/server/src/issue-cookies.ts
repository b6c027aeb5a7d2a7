import { TidemarkError } from '@tidemark/core';
import { ATTRIBUTION_NAMES } from './attribution-names.js';
import { integerIn } from './server-options.js';
import { headerOf, type RequestLike } from './request-shape.js';
import type { AttributionOptions, AttributionSource } from './read-attribution.js';

/**
 * Options of `issueCookies`: the server re-issues the visitor's `tm_aid` and `tm_sid` as
 * first-party `Set-Cookie` headers. Safari (ITP) caps cookies written by scripts at 7 days;
 * cookies set by the site's own server in an HTTP response are not capped that way, so a
 * visitor who comes back after a week is still the same visitor.
 */
export interface IssueCookiesOptions {
  /** Cookie domain, to share the visitor with subdomains (`shop.example`). @default the request's host */
  domain?: string;
  /** Lifetime of `tm_aid` in days (1–400; browsers cap cookies at 400 days). @default 400 */
  maxAgeDays?: number;
  /**
   * Lifetime of `tm_sid` in seconds (60–86400). Keep it at the browser's `sessionTimeoutMs`:
   * the browser joins a session whose cookie it finds, so a longer one would revive ended sessions.
   * @default 1800
   */
  sessionMaxAgeSeconds?: number;
  /** Add `Secure`. @default when the request came over https (`req.secure`, a TLS socket, `X-Forwarded-Proto: https`, or an `https:` Fetch URL) */
  secure?: boolean;
}

/** {@link IssueCookiesOptions} checked, with names. */
export interface CookieIssuer {
  /**
   * `Set-Cookie` values for a request's visitor: only IDs that passed validation and came in
   * a cookie or header (a cross-site form can post any body, so body IDs are never issued).
   */
  cookies(request: RequestLike, ids: VisitorIds): string[];
}

/** The validated IDs of a request and where each came from. */
export interface VisitorIds {
  anonymousId: string | undefined;
  source: AttributionSource | undefined;
  sessionId: number | undefined;
  sessionSource: AttributionSource | undefined;
}

const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?)*$/;
const ISSUED: ReadonlyArray<AttributionSource | undefined> = ['cookie', 'header'];

/**
 * Check `issueCookies` at set-up.
 *
 * @param option - `true`, the options, or off
 * @param names - the cookie names of the attribution options
 * @returns the issuer, or undefined when off
 * @throws TidemarkError `invalid_option` for a domain or lifetime that cannot be a cookie attribute
 */
export function cookieIssuer(option: boolean | IssueCookiesOptions | undefined, names: AttributionOptions = {}): CookieIssuer | undefined {
  if (!option) return undefined;
  const o = option === true ? {} : option;
  if (o.domain !== undefined && (typeof o.domain !== 'string' || o.domain.length > 253 || !DOMAIN.test(o.domain))) {
    throw new TidemarkError('invalid_option', "issueCookies.domain must be a host name such as 'shop.example'");
  }
  const maxAge = integerIn('issueCookies.maxAgeDays', o.maxAgeDays, 400, 1, 400) * 86_400;
  const sessionMaxAge = integerIn('issueCookies.sessionMaxAgeSeconds', o.sessionMaxAgeSeconds, 1_800, 60, 86_400);
  const aidName = names.anonymousIdCookie || ATTRIBUTION_NAMES.anonymousIdCookie;
  const sidName = names.sessionIdCookie || ATTRIBUTION_NAMES.sessionIdCookie;
  return {
    cookies(request, ids) {
      // HttpOnly stays off: the browser SDK reads these cookies to find the visitor.
      const attributes = `; Path=/; SameSite=Lax${o.domain ? `; Domain=${o.domain}` : ''}${(o.secure ?? isHttps(request)) ? '; Secure' : ''}`;
      const out: string[] = [];
      if (ids.anonymousId && ISSUED.includes(ids.source)) out.push(`${aidName}=${ids.anonymousId}; Max-Age=${maxAge}${attributes}`);
      if (ids.sessionId && ISSUED.includes(ids.sessionSource)) out.push(`${sidName}=${ids.sessionId}; Max-Age=${sessionMaxAge}${attributes}`);
      return out;
    },
  };
}

/** Whether a request reached the app over https, directly or through a proxy that says so. */
function isHttps(request: RequestLike): boolean {
  const r = request as { secure?: unknown; socket?: { encrypted?: unknown }; url?: unknown };
  if (r.secure === true || r.socket?.encrypted === true) return true;
  if (typeof r.url === 'string' && r.url.startsWith('https:')) return true;
  const proto = headerOf(request, 'x-forwarded-proto');
  return String(Array.isArray(proto) ? proto[0] : proto ?? '').split(',')[0]!.trim() === 'https';
}

/**
 * Add `Set-Cookie` headers to a Node/Express response, keeping any the app sets. They are
 * merged in when the headers are written (`writeHead`, which Node also calls for implicit
 * headers), so an app that later replaces the header with `res.setHeader('Set-Cookie', …)`
 * does not drop them. A response object too odd to write is left alone: cookies are a
 * bonus, never a failed request.
 *
 * @param res - Node `ServerResponse` or an Express response
 * @param cookies - the values
 */
export function appendNodeCookies(res: unknown, cookies: string[]): void {
  type NodeResponse = { headersSent?: boolean; getHeader(name: string): unknown; setHeader(name: string, value: string[]): void; writeHead(...args: unknown[]): unknown };
  const r = res as NodeResponse;
  if (!cookies.length || r?.headersSent || typeof r?.setHeader !== 'function' || typeof r.writeHead !== 'function') return;
  const writeHead = r.writeHead;
  r.writeHead = function (this: NodeResponse, ...args: unknown[]) {
    try {
      // Headers given to writeHead itself replace those set before: ours go in with theirs.
      const given = args.length > 1 ? (args[args.length - 1] as Record<string, unknown> | null) : undefined;
      const name = given && typeof given === 'object' && !Array.isArray(given) ? Object.keys(given).find((k) => k.toLowerCase() === 'set-cookie') : undefined;
      if (name !== undefined) {
        const theirs = given![name];
        args[args.length - 1] = { ...given, [name]: [...(Array.isArray(theirs) ? theirs : [theirs]).map(String), ...cookies] };
        return writeHead.apply(this, args);
      }
      const prev = this.getHeader('set-cookie');
      const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
      this.setHeader('set-cookie', [...list, ...cookies]);
    } catch {
      // As above.
    }
    return writeHead.apply(this, args);
  };
}

/**
 * A Fetch `Response` with `Set-Cookie` headers added; a copy when its headers are immutable
 * (`Response.redirect()`, a proxied `fetch()` answer).
 *
 * @param response - the handler's response
 * @param cookies - the values
 * @returns the response to return
 */
export function withFetchCookies<R extends Response>(response: R, cookies: string[]): R {
  if (!cookies.length) return response;
  try {
    for (const cookie of cookies) response.headers.append('set-cookie', cookie);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const cookie of cookies) copy.headers.append('set-cookie', cookie);
    return copy as R;
  }
}
