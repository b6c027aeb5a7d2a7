import type { Browser, LaunchOptions } from '@playwright/test';
/** Flags for every Chromium launch. */
export declare const CHROMIUM_ARGS: string[];
/** CHROMIUM_PATH, else the system's Chromium, else Playwright's cache; undefined when none. */
export declare function chromiumPath(): string | undefined;
/** The one line that says how to get a browser on this OS. */
export declare function noChromiumMessage(): string;
/** Chromium's executable; throws an Error with {@link noChromiumMessage} when there is none. */
export declare function requireChromium(): string;
/** Launch headless Chromium through Playwright. */
export declare function launchChromium(options?: LaunchOptions): Promise<Browser>;
