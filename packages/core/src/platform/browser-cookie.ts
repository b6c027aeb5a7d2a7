import { hasWindow } from './browser.js';
import { browserGlobals as g } from './browser-globals.js';

/** Options of the anonymous-ID cookie. */
export interface IdCookieOptions {
  /** Cookie name. @default 'tm_aid' */
  name?: string;
  /** Domain, to share the ID with subdomains (e.g. `.example.com`). @default the current host */
  domain?: string;
  /** Lifetime in days. @default 365 */
  maxAgeDays?: number;
}

/**
 * Mirror the anonymous ID into a first-party cookie (`SameSite=Lax`, `Secure` on https), so
 * requests to the site's own backend carry it with no code. Written only when the ID
 * changes, never per event: `document.cookie` is one of the slowest things a page can touch.
 *
 * @param anonymousId - the value (nanoid alphabet, so it needs no escaping)
 * @param options - name, domain, lifetime
 */
export function writeIdCookie(anonymousId: string, options: IdCookieOptions = {}): void {
  if (!hasWindow()) return;
  const { name = 'tm_aid', domain, maxAgeDays = 365 } = options;
  const parts = [`${name}=${anonymousId}`, 'Path=/', `Max-Age=${Math.round(maxAgeDays * 86_400)}`, 'SameSite=Lax'];
  if (domain) parts.push(`Domain=${domain}`);
  if (g.location?.protocol === 'https:') parts.push('Secure');
  try {
    g.document!.cookie = parts.join('; ');
  } catch {
    // Sandboxed documents throw on cookie writes; the header path still works.
  }
}
