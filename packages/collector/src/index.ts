export { startCollector } from './collector.js';
export type { RunningCollector } from './collector.js';
export type { CollectorOptions, RateLimitOptions } from './options.js';
export type { CollectorStats } from './ingest/stats.js';
export { CollectorError } from './errors.js';
export type { CollectorErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export { CLOSE_UNAUTHORIZED } from './ws/upgrade.js';
