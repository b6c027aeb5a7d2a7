import { TidemarkError, type JsonObject } from '@tidemark/core';
import { globalFetch } from './node-http-fetch.js';
import { endpointOf, integerIn } from './server-options.js';
import { ExportRun, type ExportPage } from './export-run.js';
import { rangeParams, reportName, reportOf, type AttributionModel, type AttributionQuery, type AttributionReport, type AttributionRow, type FunnelQuery, type FunnelReport, type FunnelStep } from './export-reports.js';

/** Options of {@link createExportClient}. */
export interface ExportClientOptions {
  /** Base URL of the collector, e.g. `http://localhost:8787`. */
  host: string;
  /** The collector's read key (sent as `Authorization: Bearer …`; never a write key). */
  readKey: string;
  /**
   * Abort a request after this many ms (1000–120000).
   * @default 30000
   */
  timeout?: number;
  /** A Fetch-standard `fetch`. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A time bound: epoch seconds (as the export API takes them) or a `Date`. */
export type ExportTime = number | Date;

/** One export request. Every field is optional. */
export interface ExportQuery {
  /** Where the previous page (or run) ended; omitted: from the beginning. */
  cursor?: string;
  /** Items per page (1–1000). @default the collector's, 100 */
  pageSize?: number;
  /** Inclusive start of the time window (event timestamp, session close, user update). */
  start?: ExportTime;
  /** Exclusive end of the time window. */
  end?: ExportTime;
}

/** An events export request, optionally limited to some event names. */
export interface EventExportQuery extends ExportQuery {
  /** Only these event names (or types). */
  events?: string[];
}

/** What can be exported. */
export type ExportKind = 'events' | 'sessions' | 'users';

const PATHS: Record<ExportKind, string> = { events: '/v1/export/events', sessions: '/v1/export/sessions', users: '/v1/export/users' };

/**
 * Client of the collector's export API: cursor pages of events, sessions and users, for
 * incremental copies into a warehouse. Pages are `{ items, nextCursor }`; a saved cursor
 * resumes exactly where the last run stopped, with nothing skipped or repeated.
 */
export class ExportClient {
  readonly #host: string;
  readonly #auth: string;
  readonly #timeout: number;
  readonly #fetch: typeof fetch;

  /** @param options - see {@link ExportClientOptions} */
  constructor(options: ExportClientOptions) {
    if (options === null || typeof options !== 'object') throw new TidemarkError('invalid_option', "createExportClient needs { host, readKey }");
    if (typeof options.readKey !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(options.readKey)) {
      throw new TidemarkError('invalid_option', "readKey is required: the collector's read key, printable ASCII without spaces (pass { readKey: 'rk_…' })");
    }
    if (typeof options.host !== 'string') throw new TidemarkError('invalid_option', "host is required (pass { host: 'https://collector.example.com' })");
    this.#host = endpointOf(options.host, '');
    this.#auth = `Bearer ${options.readKey}`;
    this.#timeout = integerIn('timeout', options.timeout, 30_000, 1_000, 120_000);
    this.#fetch = options.fetch ?? globalFetch<typeof fetch>()!;
  }

  /**
   * One page of events.
   *
   * @param query - cursor, page size, time window (epoch seconds of the event timestamp), names
   * @returns `{ items, nextCursor }`
   * @throws TidemarkError `invalid_option` (bad query), `unauthorized`, `rejected`, `server`, `network`, `protocol`
   */
  exportEvents<T = JsonObject>(query: EventExportQuery = {}): Promise<ExportPage<T>> {
    return this.page<T>('events', query);
  }

  /**
   * One page of sessions (time window on the session's close time).
   *
   * @param query - cursor, page size, time window
   * @returns `{ items, nextCursor }`
   */
  exportSessions<T = JsonObject>(query: ExportQuery = {}): Promise<ExportPage<T>> {
    return this.page<T>('sessions', query);
  }

  /**
   * One page of users (time window on the user's last change).
   *
   * @param query - cursor, page size, time window
   * @returns `{ items, nextCursor }`
   */
  exportUsers<T = JsonObject>(query: ExportQuery = {}): Promise<ExportPage<T>> {
    return this.page<T>('users', query);
  }

  /**
   * Page through an export until a page comes back empty. The run's `cursor` is where the
   * last page handed out ended: save it after processing, and pass it next time.
   *
   * @param kind - `events`, `sessions` or `users`
   * @param query - where to start and what to include
   * @returns an async iterable of pages with a `cursor` property
   * @example
   * const run = exporter.pages('events', { cursor: await loadCursor(), pageSize: 500 });
   * for await (const { items } of run) await warehouse.insert(items);
   * await saveCursor(run.cursor);
   */
  pages<T = JsonObject>(kind: ExportKind, query: EventExportQuery = {}): ExportRun<T, EventExportQuery> {
    return new ExportRun<T, EventExportQuery>(query, (q) => this.page<T>(kind, q));
  }

  /**
   * One page of any kind (what the three `export*` methods call).
   *
   * @param kind - `events`, `sessions` or `users`
   * @param query - the request
   * @returns the page
   */
  async page<T>(kind: ExportKind, query: EventExportQuery): Promise<ExportPage<T>> {
    return pageOf<T>(await this.#get(PATHS[kind], queryString(kind, query)));
  }

  /**
   * Which campaigns brought visitors, conversions and value (`GET /v1/attribution`), with
   * backend conversions joined to visitors through the collector's identity graph.
   *
   * @param query - days, and optionally model, conversion event, value property, window
   * @returns the report, rows with the most conversions first
   * @throws TidemarkError `invalid_option` (bad query, before any request), `unauthorized`, `rejected`, `server`, `network`, `protocol`
   * @example
   * const { rows } = await exporter.attribution({ start: '2025-03-01', end: '2025-03-31', model: 'first_touch' });
   * for (const row of rows) console.log(row.source, row.campaign, row.conversions, row.value);
   */
  async attribution(query: AttributionQuery): Promise<AttributionReport> {
    const params = rangeParams(query);
    if (query.model !== undefined) {
      if (query.model !== 'first_touch' && query.model !== 'last_touch') throw new TidemarkError('invalid_option', "model must be 'first_touch' or 'last_touch'");
      params.set('model', query.model);
    }
    if (query.conversion !== undefined) params.set('conversion', reportName('conversion', query.conversion));
    if (query.value !== undefined) params.set('value', reportName('value', query.value));
    if (query.windowDays !== undefined) params.set('window_days', String(integerIn('windowDays', query.windowDays, 30, 1, 365)));
    const body = reportOf(await this.#get('/v1/attribution', params.toString()));
    return { model: body.model as AttributionModel, conversion: String(body.conversion), value: String(body.value), windowDays: Number(body.windowDays), rows: body.data as AttributionRow[] };
  }

  /**
   * People at each step of a funnel (`GET /v1/funnel`), steps in order per person.
   *
   * @param query - days, steps (1–20 event names), optional window
   * @returns the report
   * @throws TidemarkError as {@link ExportClient.attribution}
   * @example
   * const { steps } = await exporter.funnel({ start: '2025-03-01', end: '2025-03-31', steps: ['Product Viewed', 'Order Completed'] });
   */
  async funnel(query: FunnelQuery): Promise<FunnelReport> {
    const params = rangeParams(query);
    if (!Array.isArray(query.steps) || query.steps.length < 1 || query.steps.length > 20) throw new TidemarkError('invalid_option', "steps must be 1 to 20 event names, e.g. ['Signed Up', 'Order Completed']");
    // The collector separates steps with commas, so a name holding one cannot be a step.
    if (query.steps.some((step) => typeof step === 'string' && step.includes(','))) throw new TidemarkError('invalid_option', 'funnel steps cannot contain commas');
    params.set('steps', query.steps.map((step) => reportName('steps', step)).join(','));
    if (query.windowDays !== undefined) params.set('window_days', String(integerIn('windowDays', query.windowDays, 30, 1, 365)));
    const body = reportOf(await this.#get('/v1/funnel', params.toString()));
    return { windowDays: Number(body.windowDays), steps: body.data as FunnelStep[] };
  }

  /** GET a path with the read key; the answer's text, or a coded error for a failed status. */
  async #get(path: string, search: string): Promise<string> {
    const url = `${this.#host}${path}${search ? `?${search}` : ''}`;
    const signal = AbortSignal.timeout(this.#timeout);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, { headers: { authorization: this.#auth, accept: 'application/json' }, signal });
      text = await response.text();
    } catch (cause) {
      throw new TidemarkError('network', `request to ${this.#host} failed or timed out after ${this.#timeout} ms`, cause);
    }
    if (response.status === 401 || response.status === 403) throw new TidemarkError('unauthorized', `the collector refused the read key (HTTP ${response.status})`);
    if (response.status >= 500) throw new TidemarkError('server', `the collector answered HTTP ${response.status}; try again (with the same cursor)`);
    if (response.status >= 400) throw new TidemarkError('rejected', `the collector refused the query (HTTP ${response.status}): ${messageOf(text)}`);
    return text;
  }
}

/**
 * Create an export client.
 *
 * @param options - `{ host, readKey }`
 * @returns the client
 * @example const exporter = createExportClient({ host: 'http://localhost:8787', readKey: 'rk_…' });
 */
export function createExportClient(options: ExportClientOptions): ExportClient {
  return new ExportClient(options);
}

function queryString(kind: ExportKind, query: EventExportQuery): string {
  if (query === null || typeof query !== 'object') throw new TidemarkError('invalid_option', 'the export query must be an object');
  const params = new URLSearchParams();
  if (query.cursor !== undefined) {
    if (typeof query.cursor !== 'string') throw new TidemarkError('invalid_option', 'cursor must be the string a previous page returned');
    params.set('cursor', query.cursor);
  }
  if (query.pageSize !== undefined) params.set('pageSize', String(integerIn('pageSize', query.pageSize, 100, 1, 1000)));
  if (query.start !== undefined) params.set('start', String(epochSeconds('start', query.start)));
  if (query.end !== undefined) params.set('end', String(epochSeconds('end', query.end)));
  if (query.events !== undefined) {
    if (kind !== 'events') throw new TidemarkError('invalid_option', 'events filters only apply to exportEvents');
    if (!Array.isArray(query.events) || !query.events.every((e) => typeof e === 'string' && e.length > 0 && !e.includes(','))) {
      throw new TidemarkError('invalid_option', "events must be an array of event names without commas, e.g. ['Purchase Completed']");
    }
    params.set('events', query.events.join(','));
  }
  return params.toString();
}

function epochSeconds(name: string, value: ExportTime): number {
  const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TidemarkError('invalid_option', `${name} must be a Date or whole epoch seconds (got ${String(value).slice(0, 40)})`);
  }
  return seconds;
}

function pageOf<T>(text: string): ExportPage<T> {
  let body: { items?: unknown; nextCursor?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (cause) {
    throw new TidemarkError('protocol', 'the export answer is not JSON', cause);
  }
  if (body === null || typeof body !== 'object' || !Array.isArray(body.items)) {
    throw new TidemarkError('protocol', 'the export answer has no items array');
  }
  const next = body.nextCursor;
  if (next !== undefined && next !== null && typeof next !== 'string') throw new TidemarkError('protocol', 'the export answer has a non-string nextCursor');
  return { items: body.items as T[], nextCursor: next ?? null };
}

function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string') return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  } catch {
    // fall through to the raw text
  }
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
