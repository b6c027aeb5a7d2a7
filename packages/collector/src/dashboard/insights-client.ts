import type { DashboardGlobals, DashboardNode } from './client.js';

/**
 * The dashboard's report panels: Campaigns (`/v1/attribution`, model switch, date range),
 * Funnel (`/v1/funnel`) and a visitor's Journey (`/v1/journey`). Served as `/insights.js`
 * from this function's source (`String(insightsMain)`), so it must stay self-contained: no
 * imports at run time, no outer variables. Like the rest of the dashboard it renders every
 * stored value with `textContent`, never as HTML: a campaign named `<img src=x onerror=…>`
 * shows as text. It reads the read key where the main script keeps it (`#key=` in the URL,
 * else the tab's sessionStorage), so the panels load once the main script has one.
 */
export function insightsMain(): void {
  const { document, location, sessionStorage } = globalThis as unknown as DashboardGlobals;
  type Cell = string | number | null;
  const $ = (id: string) => document.getElementById(id)!;
  const el = (tag: string, text?: Cell, cls?: string): DashboardNode => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text === null ? '—' : String(text);
    if (cls) node.className = cls;
    return node;
  };
  const hash = () => new URLSearchParams(location.hash.slice(1));
  const key = () => hash().get('key') ?? sessionStorage.getItem('tidemark.readKey') ?? '';
  const day = (d: Date) => d.toISOString().slice(0, 10);

  /** GET a report; a refusal's `message` (the collector's own words) becomes the error. */
  async function report(path: string, params: Record<string, string>): Promise<{ data: unknown }> {
    const res = await fetch(`${path}?${new URLSearchParams(params).toString()}`, { headers: { authorization: `Bearer ${key()}` } });
    const body = (await res.json().catch(() => ({}))) as { data?: unknown; message?: unknown };
    if (!res.ok) throw new Error(typeof body.message === 'string' ? body.message : `HTTP ${res.status}`);
    return body as { data: unknown };
  }

  /** A table of rows: a header row and one text cell per column. */
  function table(target: string, headers: string[], rows: Cell[][]): void {
    const head = el('tr');
    for (const h of headers) head.append(el('th', h));
    const body = rows.map((cells) => {
      const tr = el('tr');
      for (const cell of cells) tr.append(el('td', cell, typeof cell === 'number' ? 'num' : ''));
      return tr;
    });
    $(target).replaceChildren(head, ...body);
  }

  /** Say what went wrong in a panel (as text). */
  const fail = (target: string) => (err: unknown) => {
    $(target).replaceChildren(el('tr', err instanceof Error ? err.message : String(err), 'error'));
  };

  const range = () => ({ start_date: $('range-start').value, end_date: $('range-end').value });

  async function loadCampaigns(): Promise<void> {
    type Row = { source: string; medium: string; campaign: string | null; clickIdKind: string | null; referrerDomain: string | null; visitors: number; sessions: number; conversions: number; value: number };
    const params = { ...range(), model: $('model').value, conversion: $('conversion').value, value: $('value-prop').value };
    const { data } = (await report('/v1/attribution', params)) as { data: Row[] };
    table(
      'campaigns',
      ['source', 'medium', 'campaign', 'click ID', 'referrer', 'visitors', 'sessions', 'conversions', 'value'],
      data.map((r) => [r.source, r.medium, r.campaign, r.clickIdKind, r.referrerDomain, r.visitors, r.sessions, r.conversions, r.value]),
    );
  }

  async function loadFunnel(): Promise<void> {
    const { data } = (await report('/v1/funnel', { ...range(), steps: $('steps').value })) as { data: Array<{ step: string; people: number; rate: number }> };
    table('funnel', ['step', 'people', 'of the first'], data.map((s) => [s.step, s.people, `${Math.round(s.rate * 1000) / 10} %`]));
  }

  async function loadJourney(): Promise<void> {
    type Touch = { source: string; medium: string; campaign: string | null };
    type Journey = {
      userIds: string[];
      anonymousIds: string[];
      sessions: Array<{ sessionId: string; start: string | null; events: number; touch: Touch }>;
      events: Array<{ time: string | null; name: string; backend: boolean; userId: string | null; anonymousId: string | null; properties: unknown }>;
      truncated: boolean;
    };
    const { data } = (await report('/v1/journey', { [$('journey-kind').value]: $('journey-id').value })) as { data: Journey };
    $('journey-ids').textContent = `user IDs: ${data.userIds.join(', ') || '—'} · anonymous IDs: ${data.anonymousIds.join(', ') || '—'}${data.truncated ? ' · newest events only' : ''}`;
    table('journey-sessions', ['session', 'start', 'events', 'source', 'medium', 'campaign'], data.sessions.map((s) => [s.sessionId, s.start, s.events, s.touch.source, s.touch.medium, s.touch.campaign]));
    table(
      'journey-events',
      ['time', 'event', 'from', 'who', 'properties'],
      data.events.map((e) => [e.time, e.name, e.backend ? 'backend' : 'browser', e.userId ?? e.anonymousId, e.properties === null ? null : JSON.stringify(e.properties).slice(0, 200)]),
    );
  }

  const submit = (form: string, load: () => Promise<void>, target: string) =>
    $(form).addEventListener('submit', (event) => {
      event.preventDefault();
      void load().catch(fail(target));
    });
  submit('campaigns-form', loadCampaigns, 'campaigns');
  submit('funnel-form', loadFunnel, 'funnel');
  submit('journey-form', loadJourney, 'journey-events');
  $('model').addEventListener('change', () => void loadCampaigns().catch(fail('campaigns')));
  // A visitor in the live feed opens their journey (the ID is read as text, never as markup).
  $('events').addEventListener('click', (event) => {
    const target = (event as unknown as { target: { className?: string; textContent: string | null; getAttribute(name: string): string | null } }).target;
    if (target.className !== 'who' || !target.textContent) return;
    $('journey-kind').value = target.getAttribute('data-kind') === 'user_id' ? 'user_id' : 'anonymous_id';
    $('journey-id').value = target.textContent;
    void loadJourney().catch(fail('journey-events'));
  });

  // The last 30 days by default, UTC like the collector.
  const now = new Date();
  $('range-end').value = day(now);
  $('range-start').value = day(new Date(now.getTime() - 29 * 86_400_000));
  const params = hash();
  for (const [param, input] of [['start_date', 'range-start'], ['end_date', 'range-end'], ['model', 'model'], ['steps', 'steps']] as const) {
    const value = params.get(param);
    if (value) $(input).value = value;
  }
  // A journey is reachable from an ID in the URL: #key=…&user_id=… or &anonymous_id=….
  for (const kind of ['user_id', 'anonymous_id']) {
    const id = params.get(kind);
    if (id) {
      $('journey-kind').value = kind;
      $('journey-id').value = id;
    }
  }
  if (key()) {
    void loadCampaigns().catch(fail('campaigns'));
    if ($('steps').value) void loadFunnel().catch(fail('funnel'));
    if ($('journey-id').value) void loadJourney().catch(fail('journey-events'));
  }
}
