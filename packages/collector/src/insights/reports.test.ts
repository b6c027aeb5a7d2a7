// The report routes on both stores, with real numbers: attribution through the identity
// graph (backend events, a re-sent webhook, a second device, events arriving out of order),
// first vs last touch, funnels and a visitor's journey.
import { afterEach, describe, expect, it } from 'vitest';
import { forEachStore, startTestCollector, type TestCollector } from '../test-support/collector-fixture.js';

let tc: TestCollector;
afterEach(async () => tc?.close());

const browser = { name: 'tidemark', version: '0.1.0' };
const server = { name: '@tidemark/server', version: '0.1.0' };
let seq = 0;

/** An event at a time; `context` extras (touch, library) merge into a browser context. */
function ev(type: string, iso: string, fields: Record<string, unknown>, context: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, messageId: `msg-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`, timestamp: iso, ...fields, context: { library: browser, ...context } };
}
async function send(...batch: Array<Record<string, unknown>>) {
  const res = await tc.post('/v1/batch', { batch, sentAt: new Date().toISOString() });
  expect(res.body).toEqual({ success: true, rejected: [] });
}
const google = { campaign: { source: 'google' }, clickIds: { gclid: 'G-123' } };
const row = (over: Record<string, unknown>) => ({ source: '(direct)', medium: '(none)', campaign: null, clickIdKind: null, referrerDomain: null, visitors: 0, sessions: 0, conversions: 0, value: 0, ...over });

forEachStore(() => {
  describe('GET /v1/attribution', () => {
    it('credits a backend purchase to the campaign of the identified visitor, once despite a re-sent webhook', async () => {
      tc = await startTestCollector();
      const purchase = ev('track', '2025-03-01T10:30:00Z', { event: 'Order Completed', userId: 'u-42', anonymousId: 'srv-8f3k2j1q', properties: { revenue: 49.9, currency: 'EUR' } }, { library: server, sessionId: 1 });
      // Out of order: the backend's purchase and its redelivery arrive before the browser's events.
      await send(purchase);
      await send({ ...purchase });
      const context = { sessionId: 1740823200000, ...google, landingPage: 'https://shop.example/?utm_source=google&gclid=G-123' };
      await send(ev('identify', '2025-03-01T10:05:00Z', { anonymousId: 'anon-A', userId: 'u-42', traits: { plan: 'pro' } }, context));
      await send(ev('page', '2025-03-01T10:00:00Z', { anonymousId: 'anon-A' }, context));
      const res = await tc.get('/v1/attribution?start_date=2025-03-01&end_date=2025-03-31&value=revenue');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'success',
        model: 'last_touch',
        conversion: 'Order Completed',
        value: 'revenue',
        windowDays: 30,
        data: [row({ source: 'google', medium: 'cpc', clickIdKind: 'gclid', visitors: 1, sessions: 1, conversions: 1, value: 49.9 })],
      });
    });

    it('gives first_touch and last_touch different answers when two campaigns touch one person; direct never takes the credit', async () => {
      tc = await startTestCollector();
      await send(
        ev('page', '2025-03-02T09:00:00Z', { anonymousId: 'anon-B' }, { sessionId: 1, campaign: { source: 'newsletter', medium: 'email', name: 'spring' } }),
        ev('page', '2025-03-05T09:00:00Z', { anonymousId: 'anon-B' }, { sessionId: 2, referrer: 'https://www.News.ycombinator.com/item?id=1' }),
        ev('page', '2025-03-06T09:00:00Z', { anonymousId: 'anon-B' }, { sessionId: 3 }),
        ev('track', '2025-03-06T09:05:00Z', { anonymousId: 'anon-B', event: 'Signed Up', properties: { amount: '12.5' } }, { sessionId: 3 }),
        ev('page', '2025-03-06T11:00:00Z', { anonymousId: 'anon-C' }, { sessionId: 4 }),
      );
      const q = '/v1/attribution?start_date=2025-03-01&end_date=2025-03-31&conversion=Signed%20Up&value=amount';
      const newsletter = { source: 'newsletter', medium: 'email', campaign: 'spring', sessions: 1 };
      const hn = { source: 'news.ycombinator.com', medium: 'referral', referrerDomain: 'news.ycombinator.com', sessions: 1 };
      const first = await tc.get(`${q}&model=first_touch`);
      expect(first.body.data).toEqual([row({ ...newsletter, visitors: 1, conversions: 1, value: 12.5 }), row({ visitors: 1, sessions: 2 }), row(hn)]);
      const last = await tc.get(`${q}&model=last_touch`);
      expect(last.body.data).toEqual([row({ ...hn, visitors: 1, conversions: 1, value: 12.5 }), row({ visitors: 1, sessions: 2 }), row(newsletter)]);
      // A one-day window: the conversion (09:05) is past the referral's day and counts as direct;
      // the visitor, credited as of their last visit (09:00), still reaches it.
      const narrow = await tc.get(`${q}&model=first_touch&window_days=1`);
      expect(narrow.body.data).toEqual([row({ visitors: 1, sessions: 2, conversions: 1, value: 12.5 }), row({ ...hn, visitors: 1 }), row(newsletter)]);
    });

    it('counts a second device joined by identify as the same person', async () => {
      tc = await startTestCollector();
      await send(
        ev('page', '2025-03-01T08:00:00Z', { anonymousId: 'laptop-1' }, { sessionId: 10, ...google }),
        ev('identify', '2025-03-01T08:01:00Z', { anonymousId: 'laptop-1', userId: 'u-7' }, { sessionId: 10, ...google }),
        ev('page', '2025-03-03T20:00:00Z', { anonymousId: 'phone-1' }, { sessionId: 20 }),
        ev('identify', '2025-03-03T20:01:00Z', { anonymousId: 'phone-1', userId: 'u-7' }, { sessionId: 20 }),
        ev('track', '2025-03-03T20:02:00Z', { anonymousId: 'phone-1', userId: 'u-7', event: 'Order Completed', properties: { revenue: 30 } }, { sessionId: 20 }),
      );
      const res = await tc.get('/v1/attribution?start_date=2025-03-01&end_date=2025-03-03');
      expect(res.body.data).toEqual([row({ source: 'google', medium: 'cpc', clickIdKind: 'gclid', visitors: 1, sessions: 1, conversions: 1, value: 30 }), row({ sessions: 1 })]);
      const journey = await tc.get('/v1/journey?anonymous_id=phone-1');
      expect(journey.body.data).toMatchObject({ userIds: ['u-7'], anonymousIds: ['laptop-1', 'phone-1'], truncated: false });
      expect(journey.body.data.sessions.map((s: { sessionId: string; touch: { source: string } }) => [s.sessionId, s.touch.source])).toEqual([['10', 'google'], ['20', '(direct)']]);
    });

    it('answers the /v1/metrics date errors and 401 without a read key', async () => {
      tc = await startTestCollector();
      expect((await tc.get('/v1/attribution?start_date=2025-02-01&end_date=2025-01-01')).body).toMatchObject({ status: 'error', message: 'end_date must not be before start_date' });
      expect((await tc.get('/v1/attribution?start_date=2025-1-1&end_date=2025-01-31')).body).toMatchObject({ status: 'error', message: 'Invalid date format. Use YYYY-MM-DD' });
      expect((await tc.get('/v1/attribution?start_date=2025-01-01&end_date=2025-01-31&model=linear')).body).toMatchObject({ status: 'error', message: 'model must be first_touch or last_touch' });
      expect((await tc.get('/v1/attribution?start_date=2025-01-01&end_date=2025-01-31', { authorization: '' })).status).toBe(401);
    });
  });

  describe('queries by user through the identity graph', () => {
    it('count the linked devices and backend events of a user in /v1/metrics and /v1/sessions, not a second user of the same browser', async () => {
      tc = await startTestCollector();
      await send(
        ev('page', '2025-05-01T08:00:00Z', { anonymousId: 'laptop-9' }, { sessionId: 1 }),
        ev('identify', '2025-05-01T08:10:00Z', { anonymousId: 'laptop-9', userId: 'ada' }, { sessionId: 1 }),
        ev('page', '2025-05-02T08:00:00Z', { anonymousId: 'phone-9' }, { sessionId: 2 }),
        ev('identify', '2025-05-02T08:05:00Z', { anonymousId: 'phone-9', userId: 'ada' }, { sessionId: 2 }),
        ev('track', '2025-05-02T09:00:00Z', { anonymousId: 'srv-9aaaaaaa', userId: 'ada', event: 'Order Completed' }, { library: server, sessionId: 3 }),
        // Bob logs in on Ada's laptop later: his events are his.
        ev('identify', '2025-05-03T08:00:00Z', { anonymousId: 'laptop-9', userId: 'bob' }, { sessionId: 4 }),
        ev('page', '2025-05-03T08:01:00Z', { anonymousId: 'laptop-9', userId: 'bob' }, { sessionId: 4 }),
      );
      const metrics = await tc.get('/v1/metrics?start_date=2025-05-01&end_date=2025-05-31&group_by=month&user_id=ada');
      expect(metrics.body.data).toEqual([{ date: '2025-05-01', page: 2, identify: 2, 'Order Completed': 1 }]);
      const bob = await tc.get('/v1/metrics?start_date=2025-05-01&end_date=2025-05-31&group_by=month&user_id=bob');
      expect(bob.body.data).toEqual([{ date: '2025-05-01', identify: 1, page: 1 }]);
      const sessions = await tc.get('/v1/sessions?start_date=2025-05-01&end_date=2025-05-31&group_by=month&user_id=ada');
      expect(sessions.body.data).toEqual([{ date: '2025-05-01', sessionCount: 3, totalDuration: 600 + 300, averageDuration: 300 }]);
    });
  });

  describe('GET /v1/funnel', () => {
    it('counts people at each step, in order, within the window, backend steps and aliases included', async () => {
      tc = await startTestCollector();
      const t = (iso: string, anonymousId: string, event: string, extra: Record<string, unknown> = {}) => ev('track', iso, { anonymousId, event, ...extra }, { sessionId: 1 });
      await send(
        // p1: all three; the order arrives from the backend under the user ID identify linked.
        t('2025-04-01T10:00:00Z', 'p1', 'Product Viewed'),
        t('2025-04-01T10:01:00Z', 'p1', 'Added To Cart', { userId: 'buyer-1' }),
        ev('track', '2025-04-01T10:02:00Z', { anonymousId: 'srv-1aaaaaaa', userId: 'buyer-1', event: 'Order Completed' }, { library: server, sessionId: 1 }),
        // p2: view, cart.
        t('2025-04-02T10:00:00Z', 'p2', 'Product Viewed'),
        t('2025-04-02T10:05:00Z', 'p2', 'Added To Cart'),
        // p3: cart before view: only the first step.
        t('2025-04-03T10:00:00Z', 'p3', 'Added To Cart'),
        t('2025-04-03T10:05:00Z', 'p3', 'Product Viewed'),
        // p4: view, cart 3 days later (outside a 1-day window), and an order under an aliased ID.
        t('2025-04-04T10:00:00Z', 'p4', 'Product Viewed', { userId: 'old-id' }),
        t('2025-04-07T10:00:00Z', 'p4', 'Added To Cart'),
        ev('alias', '2025-04-07T11:00:00Z', { anonymousId: 'p4', userId: 'new-id', previousId: 'old-id' }, { sessionId: 1 }),
        ev('track', '2025-04-07T12:00:00Z', { anonymousId: 'srv-2bbbbbbb', userId: 'new-id', event: 'Order Completed' }, { library: server, sessionId: 1 }),
      );
      const q = '/v1/funnel?start_date=2025-04-01&end_date=2025-04-30&steps=Product%20Viewed,Added%20To%20Cart,Order%20Completed';
      expect((await tc.get(q)).body).toEqual({
        status: 'success',
        windowDays: 30,
        data: [
          { step: 'Product Viewed', people: 4, rate: 1 },
          { step: 'Added To Cart', people: 3, rate: 0.75 },
          { step: 'Order Completed', people: 2, rate: 0.5 },
        ],
      });
      expect((await tc.get(`${q}&window_days=1`)).body.data.map((s: { people: number }) => s.people)).toEqual([4, 2, 1]);
      // The same step twice needs two events.
      expect((await tc.get('/v1/funnel?start_date=2025-04-01&end_date=2025-04-30&steps=Product%20Viewed,Product%20Viewed')).body.data.map((s: { people: number }) => s.people)).toEqual([4, 0]);
      const journey = await tc.get('/v1/journey?user_id=new-id');
      expect(journey.body.data).toMatchObject({ userIds: ['new-id', 'old-id'], anonymousIds: ['p4', 'srv-2bbbbbbb'] });
      expect(journey.body.data.events.map((e: { name: string; backend: boolean }) => [e.name, e.backend])).toEqual([
        ['Product Viewed', false],
        ['Added To Cart', false],
        ['alias', false],
        ['Order Completed', true],
      ]);
    });
  });
});
