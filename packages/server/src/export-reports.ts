// The report routes of the collector's export API (`/v1/attribution`, `/v1/funnel`): their
// query and answer types, and the checks the export client makes before it asks.
import { TidemarkError } from '@tidemark/core';

/** A UTC day of the report routes: a `Date` (its UTC day) or `'YYYY-MM-DD'`. */
export type ReportDay = Date | string;

/** The date range of a report; both days are included. */
export interface ReportRange {
  start: ReportDay;
  end: ReportDay;
}

/** How a conversion is credited: to the first or the last non-direct touch in the window. */
export type AttributionModel = 'first_touch' | 'last_touch';

/** Query of {@link ExportClient.attribution}. */
export interface AttributionQuery extends ReportRange {
  /** @default 'last_touch' */
  model?: AttributionModel;
  /** Event name of a conversion. @default 'Order Completed' */
  conversion?: string;
  /** Property of the conversion summed as value. @default 'revenue' */
  value?: string;
  /** Days before a conversion whose touches may take credit (1–365). @default 30 */
  windowDays?: number;
}

/** One row of an attribution report: a touch and what it brought. */
export interface AttributionRow {
  /** `utm_source`, the network of a click ID, the referrer's domain, or `'(direct)'`. */
  source: string;
  /** `utm_medium`, `'cpc'`, `'referral'`, `'(not set)'` or `'(none)'`. */
  medium: string;
  campaign: string | null;
  /** `'gclid'`, `'fbclid'`, `'ttclid'`, `'msclkid'`, `'li_fat_id'` or null. */
  clickIdKind: string | null;
  referrerDomain: string | null;
  /** People with a session in the range, credited by the model. */
  visitors: number;
  /** Sessions starting in the range, under their own touch. */
  sessions: number;
  /** Conversion events (browser or backend) credited by the model. */
  conversions: number;
  /** Sum of the conversions' value property. */
  value: number;
}

/** What {@link ExportClient.attribution} resolves to. */
export interface AttributionReport {
  model: AttributionModel;
  conversion: string;
  value: string;
  windowDays: number;
  rows: AttributionRow[];
}

/** Query of {@link ExportClient.funnel}. */
export interface FunnelQuery extends ReportRange {
  /** Event names in order (1–20, no commas). */
  steps: string[];
  /** Days from a person's first step within which the others must happen (1–365). @default 30 */
  windowDays?: number;
}

/** One step of a funnel report. */
export interface FunnelStep {
  step: string;
  /** People who did it after every earlier step, in order, within the window. */
  people: number;
  /** `people` over the first step's (0–1). */
  rate: number;
}

/** What {@link ExportClient.funnel} resolves to. */
export interface FunnelReport {
  windowDays: number;
  steps: FunnelStep[];
}

/** `start_date`/`end_date` of a report, checked: a `Date` gives its UTC day. */
export function rangeParams(query: ReportRange): URLSearchParams {
  if (query === null || typeof query !== 'object') throw new TidemarkError('invalid_option', "the report query must be an object: { start: '2025-03-01', end: '2025-03-31' }");
  const day = (name: string, value: ReportDay): string => {
    const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
    if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new TidemarkError('invalid_option', `${name} must be a Date or 'YYYY-MM-DD' (got ${String(value).slice(0, 40)})`);
    return text;
  };
  return new URLSearchParams({ start_date: day('start', query.start), end_date: day('end', query.end) });
}

/** An event or property name of a report: 1 to 200 characters, no control characters. */
export function reportName(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new TidemarkError('invalid_option', `${name} must be 1 to 200 characters without control characters`);
  }
  return value;
}

/** The body of a report answer: `{ status: 'success', data: [...] , … }`. */
export function reportOf(text: string): Record<string, unknown> & { data: unknown[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new TidemarkError('protocol', 'the report answer is not JSON', cause);
  }
  if (body === null || typeof body !== 'object' || (body as { status?: unknown }).status !== 'success' || !Array.isArray((body as { data?: unknown }).data)) {
    throw new TidemarkError('protocol', 'the report answer is not { status: "success", data: [...] }');
  }
  return body as Record<string, unknown> & { data: unknown[] };
}
