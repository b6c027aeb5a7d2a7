/**
 * The dashboard's browser code. It is served as `/dashboard.js` from this function's source
 * (`String(dashboardMain)`), so it must stay self-contained: no imports, no outer variables.
 * Everything a collector stores is rendered with `textContent`/`setAttribute`, never as HTML,
 * so an event named `<img src=x onerror=alert(1)>` shows as text and runs nothing.
 */
/** A page element, as the dashboard uses one. */
export interface DashboardNode {
  textContent: string | null;
  className: string;
  hidden: boolean;
  /** Of the `<select>` and the `<input>`. */
  value: string;
  setAttribute(name: string, value: string): void;
  append(...nodes: DashboardNode[]): void;
  prepend(...nodes: DashboardNode[]): void;
  readonly children: { length: number };
  readonly lastElementChild: { remove(): void } | null;
  replaceChildren(...nodes: DashboardNode[]): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
}

/**
 * The browser globals the dashboard reads, typed by use: the collector builds with Node's
 * types only, and this function runs in the page, where these exist.
 */
export interface DashboardGlobals {
  document: { getElementById(id: string): DashboardNode | null; createElement(tag: string): DashboardNode; createElementNS(ns: string, tag: string): DashboardNode };
  location: { protocol: string; host: string; hash: string };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export function dashboardMain(): void {
  const { document, location, sessionStorage } = globalThis as unknown as DashboardGlobals;
  type Row = Record<string, number | string> & { date: string };
  type Live = { type: string; name: string; anonymousId: string | null; userId: string | null; timestamp: string | null; properties: unknown };
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id: string) => document.getElementById(id)!;
  const el = (tag: string, text?: string, cls?: string) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  const svg = (tag: string, attrs: Record<string, string | number>) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  };
  const counts = new Map<string, number>();
  let key = '';
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let chartTimer: ReturnType<typeof setTimeout> | undefined;

  const status = (text: string) => ($('status').textContent = text);
  const api = async (path: string) => {
    const res = await fetch(path, { headers: { authorization: `Bearer ${key}` } });
    if (res.status === 401) throw new Error('unauthorized');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  };
  const day = (d: Date) => d.toISOString().slice(0, 10);

  /** Bucket labels of the chart's range, oldest first, matching the collector's (UTC, weeks from Monday). */
  function buckets(groupBy: string): string[] {
    const out: string[] = [];
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    for (let i = groupBy === 'day' ? 29 : 11; i >= 0; i--) {
      const d = new Date(today);
      if (groupBy === 'day') d.setUTCDate(d.getUTCDate() - i);
      else if (groupBy === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7 * i);
      else d.setUTCFullYear(d.getUTCFullYear(), d.getUTCMonth() - i, 1);
      out.push(day(d));
    }
    return out;
  }

  function renderCounts(): void {
    const body = $('counts');
    body.replaceChildren();
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) {
      const tr = el('tr');
      tr.append(el('td', name), el('td', String(n), 'num'));
      body.append(tr);
    }
  }

  function renderChart(labels: string[], totals: number[]): void {
    const width = 720;
    const height = 200;
    const max = Math.max(1, ...totals);
    const step = width / labels.length;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height + 24}`, role: 'img', 'aria-label': 'events per period' });
    labels.forEach((label, i) => {
      const h = Math.round((totals[i]! / max) * height);
      const bar = svg('rect', { x: i * step + 2, y: height - h, width: Math.max(1, step - 4), height: h, class: 'bar' });
      const title = svg('title', {});
      title.textContent = `${label}: ${totals[i]}`;
      bar.append(title);
      root.append(bar);
      if (i % Math.ceil(labels.length / 6) === 0) {
        const text = svg('text', { x: i * step + 2, y: height + 16, class: 'axis' });
        text.textContent = label;
        root.append(text);
      }
    });
    $('chart').replaceChildren(root);
  }

  async function loadChart(): Promise<void> {
    const groupBy = $('group').value;
    const labels = buckets(groupBy);
    const end = day(new Date());
    const json = (await api(`/v1/metrics?start_date=${labels[0]}&end_date=${end}&group_by=${groupBy}`)) as { data: Row[] };
    const byDate = new Map(json.data.map((row) => [row.date, row]));
    const totals = labels.map((label) => {
      const row = byDate.get(label);
      let sum = 0;
      if (row) for (const [k, v] of Object.entries(row)) if (k !== 'date') sum += Number(v);
      return sum;
    });
    renderChart(labels, totals);
    counts.clear();
    for (const row of json.data) for (const [k, v] of Object.entries(row)) if (k !== 'date') counts.set(k, (counts.get(k) ?? 0) + Number(v));
    renderCounts();
  }

  async function loadStats(): Promise<void> {
    const stats = (await api('/v1/stats')) as Record<string, number>;
    for (const name of ['totalEvents', 'stored', 'duplicates', 'rejected']) $(`stat-${name}`).textContent = String(stats[name] ?? 0);
  }

  function showEvents(events: Live[]): void {
    const list = $('events');
    for (const event of events) {
      const li = el('li');
      const who = event.userId ?? event.anonymousId ?? '';
      const whoNode = el('span', who, 'who');
      // Which ID it is, for the Journey panel (insights.js opens it on a click).
      whoNode.setAttribute('data-kind', event.userId ? 'user_id' : 'anonymous_id');
      li.append(el('span', event.timestamp ? new Date(event.timestamp).toLocaleTimeString() : '', 'time'), el('span', event.name, 'name'), whoNode);
      if (event.properties !== null && event.properties !== undefined) li.append(el('code', JSON.stringify(event.properties).slice(0, 300)));
      list.prepend(li);
    }
    while (list.children.length > 100) list.lastElementChild?.remove();
  }

  function connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/live?key=${encodeURIComponent(key)}`;
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 500;
      status('live');
    };
    socket.onmessage = (message) => {
      let data: { type?: string; events?: Live[]; counts?: Record<string, number>; stored?: number };
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (data.type !== 'events') return;
      showEvents(data.events ?? []);
      for (const [name, n] of Object.entries(data.counts ?? {})) counts.set(name, (counts.get(name) ?? 0) + n);
      renderCounts();
      const total = $('stat-totalEvents');
      total.textContent = String(Number(total.textContent) + (data.stored ?? 0));
      if (chartTimer === undefined) chartTimer = setTimeout(() => {
        chartTimer = undefined;
        void loadChart().catch(() => {});
        void loadStats().catch(() => {});
      }, 3000);
    };
    socket.onclose = (event) => {
      if (event.code === 4001) return askKey('The read key was refused.');
      status('reconnecting…');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  function askKey(message: string): void {
    socket = null;
    status(message);
    $('login').hidden = false;
  }

  async function start(): Promise<void> {
    try {
      await loadStats();
    } catch (err) {
      return askKey(err instanceof Error && err.message === 'unauthorized' ? 'The read key was refused.' : 'The collector cannot be reached.');
    }
    $('login').hidden = true;
    sessionStorage.setItem('tidemark.readKey', key);
    await loadChart().catch(() => status('the chart could not be loaded'));
    connect();
  }

  $('group').addEventListener('change', () => void loadChart().catch(() => {}));
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    key = $('key').value.trim();
    void start();
  });
  key = new URLSearchParams(location.hash.slice(1)).get('key') ?? sessionStorage.getItem('tidemark.readKey') ?? '';
  if (key) void start();
  else askKey('Enter a read key to see the data.');
}
