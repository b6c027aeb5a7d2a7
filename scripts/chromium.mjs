// The one place that knows how to find and start Chromium for the tests, the demo and the
// bench: CHROMIUM_PATH, else the system's Chromium (or Chrome), else the one Playwright
// downloaded into its cache; with flags that keep it off the network. With none of them, it
// says in one line how to get one on this OS, instead of Playwright's "Executable doesn't
// exist" banner.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** Flags for every Chromium launch: no GPU, no QUIC, and no background calls home. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const MAC_APPS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** A Chromium on PATH (or a macOS app), if any. */
function systemChromium() {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return process.platform === 'darwin' ? MAC_APPS.find((app) => existsSync(app)) : undefined;
}

/** The Chromium of Playwright's cache (`npx playwright install chromium`), if downloaded. */
function playwrightChromium() {
  try {
    const path = createRequire(import.meta.url)('@playwright/test').chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where Chromium is: `CHROMIUM_PATH`, else the system's, else Playwright's cache.
 *
 * @returns {string | undefined} the executable, or undefined when there is none
 */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || systemChromium() || playwrightChromium();
}

/** The install command for this OS, from /etc/os-release on Linux. */
function installCommand() {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  if (process.platform === 'darwin') return 'brew install --cask chromium';
  if (process.platform !== 'linux') return 'npx playwright install chromium';
  let release = '';
  try {
    release = readFileSync('/etc/os-release', 'utf8');
  } catch {}
  const ids = `${/^ID=(.*)$/m.exec(release)?.[1] ?? ''} ${/^ID_LIKE=(.*)$/m.exec(release)?.[1] ?? ''}`.replace(/"/g, '');
  if (/\bubuntu\b/.test(ids)) return `${sudo}snap install chromium`;
  if (/\bdebian\b/.test(ids)) return `${sudo}apt-get install chromium`;
  if (/\b(fedora|rhel|centos)\b/.test(ids)) return `${sudo}dnf install chromium`;
  if (/\balpine\b/.test(ids)) return 'apk add chromium';
  if (/\barch\b/.test(ids)) return `${sudo}pacman -S chromium`;
  return 'npx playwright install chromium';
}

/** The one line that says how to get a browser here. */
export function noChromiumMessage() {
  return `No Chromium found (CHROMIUM_PATH, chromium on PATH, Playwright's cache): install one with \`${installCommand()}\`, or set CHROMIUM_PATH to a Chromium or Chrome.`;
}

/**
 * Chromium's executable, or a one-line error saying how to get one.
 *
 * @returns {string} the executable
 * @throws Error with {@link noChromiumMessage}
 */
export function requireChromium() {
  const path = chromiumPath();
  if (!path) throw new Error(noChromiumMessage());
  return path;
}

/** Launch headless Chromium through Playwright. */
export async function launchChromium(options = {}) {
  const executablePath = requireChromium();
  const { chromium } = await import('@playwright/test');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, ...options });
}
