// The one place that knows how to start Chromium here: Debian's /usr/bin/chromium (or
// CHROMIUM_PATH), never a downloaded browser, with flags that keep it off the network.
import { existsSync } from 'node:fs';

/** Flags for every Chromium launch: no GPU, no QUIC, and no background calls home. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH, else Debian's Chromium, else undefined (Playwright's own, where installed). */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

/** Launch headless Chromium through Playwright. */
export async function launchChromium(options = {}) {
  const { chromium } = await import('@playwright/test');
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, ...options });
}
