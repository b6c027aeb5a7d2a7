import type { Browser, LaunchOptions } from '@playwright/test';
/** Flags for every Chromium launch. */
export declare const CHROMIUM_ARGS: string[];
/** CHROMIUM_PATH, else Debian's Chromium, else undefined. */
export declare function chromiumPath(): string | undefined;
/** Launch headless Chromium through Playwright. */
export declare function launchChromium(options?: LaunchOptions): Promise<Browser>;
