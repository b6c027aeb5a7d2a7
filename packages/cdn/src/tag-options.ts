import type { ScriptTagOptions } from './options.js';

/** The `data-*` attributes a script tag may carry, and the option each sets. */
const FLAGS = ['autoPage', 'cookie', 'debug'] as const;
/** Attributes whose text is the option's value, as given. */
const TEXTS = ['writeKey', 'host', 'path', 'receiptsPath', 'consent', 'serviceWorker', 'persistence'] as const;

/**
 * The script element that configures Tidemark: the running bundle's own tag when it carries
 * `data-write-key`, else the first `<script data-write-key>` of the page (the loader snippet's
 * tag, when the snippet inserted the bundle).
 *
 * @param doc - the document @default document
 * @returns the element, or undefined when the page configures Tidemark in code
 */
export function configScript(doc: Document = document): HTMLScriptElement | undefined {
  const own = doc.currentScript as HTMLScriptElement | null;
  if (own?.dataset.writeKey) return own;
  return doc.querySelector<HTMLScriptElement>('script[data-write-key]') ?? undefined;
}

/**
 * Options from a tag's data attributes: `data-write-key`, `data-host`, `data-path`,
 * `data-receipts-path`, `data-auto-page`,
 * `data-consent`, `data-cookie`, `data-cookie-domain`, `data-debug`, `data-respect-gpc`
 * (`"pending"` for pending), `data-persistence` and `data-service-worker`. A flag is on when
 * present with any value but `"false"`.
 *
 * @param el - the script element
 * @returns the options it sets (only those present)
 * @example
 * // <script async src="/sdk/tidemark.min.js" data-write-key="wk_123" data-host="https://collector.example" data-auto-page></script>
 * tagOptions(configScript()!) // { writeKey: 'wk_123', host: 'https://collector.example', autoPage: true }
 */
export function tagOptions(el: HTMLScriptElement): Partial<ScriptTagOptions> {
  const data = el.dataset;
  const options: Partial<ScriptTagOptions> = {};
  for (const key of TEXTS) if (data[key]) options[key] = data[key] as never;
  for (const flag of FLAGS) {
    const value = data[flag];
    if (value !== undefined) options[flag] = value !== 'false';
  }
  if (data.respectGpc !== undefined) options.respectGpc = data.respectGpc === 'pending' ? 'pending' : data.respectGpc !== 'false';
  // A domain shares one visitor across subdomains, and implies the cookie.
  if (data.cookieDomain) options.cookie = { domain: data.cookieDomain };
  return options;
}
