export { createTidemarkGlobal } from './tidemark-global.js';
export type { TidemarkGlobal } from './tidemark-global.js';
export type { ScriptTagOptions } from './options.js';
export { autoPageViews } from './auto-page.js';
export { configScript, tagOptions } from './tag-options.js';
export { replayClock } from './replay-clock.js';
export type { ReplayClock } from './replay-clock.js';
export { QUEUED_METHODS, MAX_QUEUED_CALLS } from './call-queue.js';
export type { QueuedCall, QueuedMethod } from './call-queue.js';
