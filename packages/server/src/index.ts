export { createServerClient } from './create-server-client.js';
export { ServerClient } from './server-client.js';
export { CLOSE_TIMEOUT_MS } from './close-limit.js';
export type { ClientStats, CloseResult } from './server-client.js';
export { RequestClient } from './request-client.js';
export type { ServerClientOptions, SpoolOptions, Logger, DropInfo, DropReason } from './server-options.js';
export { DEFAULT_HOST } from './server-options.js';
export type {
  Properties, TimeInput, CommonOptions, TrackOptions, IdentifyOptions, PageOptions, GroupOptions, AliasOptions,
} from './call-forms.js';
export { readAttribution } from './read-attribution.js';
export type { Attribution, AttributionOptions, AttributionSource, IgnoredId } from './read-attribution.js';
export type { RequestLike, NodeHeaders, FetchHeaders } from './request-shape.js';
export { validateAnonymousId, validateSessionId, MIN_ID_LENGTH, MAX_ID_LENGTH } from './validate-id.js';
export type { IdCheck, IdRejectReason } from './validate-id.js';
export { ATTRIBUTION_NAMES, NO_SESSION } from './attribution-names.js';
export { tidemark } from './connect-middleware.js';
export type { MiddlewareOptions, MiddlewareBindOptions, TidemarkMiddleware } from './connect-middleware.js';
export { withTidemark, bindFetchRequest } from './fetch-handler.js';
export type { FetchHandlerOptions } from './fetch-handler.js';
export { createExportClient, ExportClient } from './export-client.js';
export type { ExportClientOptions, ExportQuery, EventExportQuery, ExportKind, ExportTime } from './export-client.js';
export type { ReportDay, ReportRange, AttributionModel, AttributionQuery, AttributionRow, AttributionReport, FunnelQuery, FunnelStep, FunnelReport } from './export-client.js';
export { ExportRun } from './export-run.js';
export type { ExportPage } from './export-run.js';
export { LIBRARY } from './version.js';
