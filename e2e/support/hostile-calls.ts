// The client side of the hostile-input corpus: careless and hostile calls a page can make,
// each with what Tidemark must do with it. Each `run` is page code with `tm` (the client)
// and `N` (a name unique to the case) in scope; an event it sends is named after N.
//
// - refused: the call is dropped and reported once (`invalid_event`, `event_too_large`,
//   `invalid_option`) with a message that says what to pass instead;
// - repaired: the event is sent without what could not be read, reported once
//   (`unreadable_value`);
// - accepted: sent as documented (Dates, BigInts, cycles, functions converted), nothing reported.

/** What Tidemark does with a call. */
export type Outcome = 'refused' | 'repaired' | 'accepted';

/** One hostile or careless call. */
export interface HostileCall {
  name: string;
  run: string;
  outcome: Outcome;
  /** Whether an event named N reaches the collector (refused calls never send one). */
  sends?: boolean;
}

// Page-side helpers every case may use (defined once in the page by `HELPERS`).
export const HELPERS = `
  window.H = {
    trapProto: () => new Proxy({}, { getPrototypeOf() { throw new Error('getPrototypeOf trap'); } }),
    trapKeys: () => new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } }),
    trapGet: () => new Proxy({ a: 1 }, { get() { throw new Error('get trap'); } }),
    trapHas: () => new Proxy({ a: 1 }, { has() { throw new Error('has trap'); }, getOwnPropertyDescriptor() { throw new Error('gopd trap'); } }),
    revoked: () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; },
    getter: () => ({ ok: 1, get boom() { throw new Error('getter'); } }),
    circular: () => { const a = { name: 'a' }; a.self = a; a.list = [a]; return a; },
    dag: (levels) => { let n = { leaf: 1 }; for (let i = 0; i < levels; i++) n = { a: n, b: n }; return n; },
    deep: (levels) => { const root = {}; let n = root; for (let i = 0; i < levels; i++) n = n.next = {}; return root; },
    badToJSON: () => ({ toJSON() { throw new Error('toJSON'); } }),
    jwt: 'eyJhbGciOiJIUzI1NiJ9.' + 'a'.repeat(780),
  };
`;

const tracks: HostileCall[] = [
  { name: 'track() with no arguments', run: 'tm.track()', outcome: 'refused' },
  { name: "track('')", run: "tm.track('')", outcome: 'refused' },
  { name: 'track of blanks', run: "tm.track('   \\t ')", outcome: 'refused' },
  { name: 'track(null)', run: 'tm.track(null)', outcome: 'refused' },
  { name: 'track(undefined, props)', run: 'tm.track(undefined, { a: 1 })', outcome: 'refused' },
  { name: 'track(42)', run: 'tm.track(42)', outcome: 'refused' },
  { name: 'track({}) (an object as the name)', run: 'tm.track({ event: N })', outcome: 'refused' },
  { name: 'track(Symbol)', run: "tm.track(Symbol('s'))", outcome: 'refused' },
  { name: 'track(new String(name))', run: 'tm.track(new String(N))', outcome: 'refused' },
  { name: 'track([name])', run: 'tm.track([N])', outcome: 'refused' },
  { name: 'a 201-character name', run: "tm.track('x'.repeat(201))", outcome: 'refused' },
  { name: 'a 1,000,000-character name', run: "tm.track('x'.repeat(1e6))", outcome: 'refused' },
  { name: 'a 200-character name', run: "tm.track(N + 'x'.repeat(200 - N.length))", outcome: 'accepted', sends: false },
  { name: 'a name with control characters', run: "tm.track(N + '\\u0000\\u0007')", outcome: 'accepted', sends: false },
  { name: 'a name with a lone surrogate', run: "tm.track(N + '\\ud800')", outcome: 'accepted', sends: false },
  { name: 'a name with emoji and RTL marks', run: "tm.track(N + ' 🌊\\u202e')", outcome: 'accepted', sends: false },
  { name: 'a string as properties', run: "tm.track(N, 'a=1')", outcome: 'repaired', sends: true },
  { name: 'an array as properties', run: 'tm.track(N, [1, 2, 3])', outcome: 'repaired', sends: true },
  { name: 'a number as properties', run: 'tm.track(N, 42)', outcome: 'repaired', sends: true },
  { name: 'a function as properties', run: 'tm.track(N, () => 1)', outcome: 'repaired', sends: true },
  { name: 'null as properties', run: 'tm.track(N, null)', outcome: 'accepted', sends: true },
  { name: 'BigInt values', run: 'tm.track(N, { big: 10n, list: [1n] })', outcome: 'accepted', sends: true },
  { name: 'circular properties', run: 'tm.track(N, H.circular())', outcome: 'accepted', sends: true },
  { name: 'functions and symbols inside', run: "tm.track(N, { fn() {}, sym: Symbol('s'), [Symbol('k')]: 1 })", outcome: 'accepted', sends: true },
  { name: 'invalid Date, NaN, Infinity, -0', run: "tm.track(N, { d: new Date('x'), n: NaN, i: -Infinity, z: -0 })", outcome: 'accepted', sends: true },
  { name: 'Map, Set, RegExp, typed arrays', run: 'tm.track(N, { m: new Map([[1, 2]]), s: new Set([1]), r: /x/g, t: new Uint8Array(4) })', outcome: 'accepted', sends: true },
  { name: 'an Error object', run: "tm.track(N, { err: new Error('boom') })", outcome: 'accepted', sends: true },
  { name: 'a DOM element and the document', run: 'tm.track(N, { el: document.body, doc: document })', outcome: 'accepted', sends: true },
  { name: 'a DOM event', run: "tm.track(N, { e: new MouseEvent('click') })", outcome: 'accepted', sends: true },
  { name: 'window as properties', run: 'tm.track(N, window)', outcome: 'accepted', sends: true },
  { name: 'a throwing getter', run: 'tm.track(N, H.getter())', outcome: 'repaired', sends: true },
  { name: 'a Proxy whose getPrototypeOf throws (defect 1)', run: 'tm.track(N, { p: H.trapProto() })', outcome: 'repaired', sends: true },
  { name: 'a Proxy whose getPrototypeOf throws, as properties', run: 'tm.track(N, H.trapProto())', outcome: 'repaired', sends: true },
  { name: 'a revoked Proxy (defect 1)', run: 'tm.track(N, { p: H.revoked() })', outcome: 'repaired', sends: true },
  { name: 'a revoked Proxy as properties', run: 'tm.track(N, H.revoked())', outcome: 'repaired', sends: true },
  { name: 'a revoked Proxy inside an array', run: 'tm.track(N, { list: [1, H.revoked(), 3] })', outcome: 'repaired', sends: true },
  { name: 'a Proxy whose ownKeys throws', run: 'tm.track(N, { p: H.trapKeys() })', outcome: 'repaired', sends: true },
  { name: 'a Proxy whose get throws', run: 'tm.track(N, { p: H.trapGet() })', outcome: 'repaired', sends: true },
  { name: 'a Proxy whose has and descriptor traps throw', run: 'tm.track(N, { p: H.trapHas() })', outcome: 'repaired', sends: true },
  { name: 'a toJSON that throws', run: 'tm.track(N, { p: H.badToJSON() })', outcome: 'repaired', sends: true },
  { name: 'a toJSON that returns itself', run: 'tm.track(N, { p: { toJSON() { return this; } } })', outcome: 'accepted', sends: true },
  { name: '10,000 levels of nesting', run: 'tm.track(N, H.deep(10000))', outcome: 'accepted', sends: true },
  { name: 'a graph of shared references with 2^40 paths', run: 'tm.track(N, H.dag(40))', outcome: 'refused' },
  { name: 'a 1,000,000-item array', run: 'tm.track(N, { list: new Array(1e6).fill(1) })', outcome: 'refused' },
  { name: 'a 40 KB property', run: "tm.track(N, { s: 's'.repeat(40 * 1024) })", outcome: 'refused' },
  { name: '11,000 three-byte characters (33 KB in UTF-8)', run: "tm.track(N, { s: '€'.repeat(11000) })", outcome: 'refused' },
  { name: 'a __proto__ key from JSON.parse', run: 'tm.track(N, JSON.parse(\'{"__proto__":{"polluted":true},"ok":1}\'))', outcome: 'accepted', sends: true },
  { name: 'constructor.prototype keys', run: 'tm.track(N, { constructor: { prototype: { polluted: true } } })', outcome: 'accepted', sends: true },
  { name: 'an object without a prototype', run: 'tm.track(N, Object.assign(Object.create(null), { a: 1 }))', outcome: 'accepted', sends: true },
  { name: 'a frozen object', run: 'tm.track(N, Object.freeze({ a: 1 }))', outcome: 'accepted', sends: true },
  { name: 'a getter that calls track() again', run: "tm.track(N, { get a() { tm.track(N + '-inner'); return 1; } })", outcome: 'accepted', sends: true },
  { name: 'a getter that calls optOut() and optIn()', run: 'tm.track(N, { get a() { tm.optOut(); tm.optIn(); return 1; } })', outcome: 'accepted', sends: false },
  { name: 'extra arguments', run: 'tm.track(N, { a: 1 }, { integrations: {} }, () => {})', outcome: 'accepted', sends: true },
  { name: 'a detached method', run: 'const { track } = tm; track(N)', outcome: 'accepted', sends: true },
  { name: 'a method called with another this', run: 'tm.track.call({}, N)', outcome: 'accepted', sends: true },
];

const identifies: HostileCall[] = [
  { name: "identify('')", run: "tm.identify('')", outcome: 'refused' },
  { name: 'identify(42)', run: 'tm.identify(42)', outcome: 'refused' },
  { name: 'identify({ traits }) (legacy traits-only form)', run: "tm.identify({ email: 'a@example.com' })", outcome: 'refused' },
  { name: 'a 201-character user ID (defect 4)', run: "tm.identify('u'.repeat(201))", outcome: 'refused' },
  { name: 'a JWT as the user ID (defect 4)', run: 'tm.identify(H.jwt)', outcome: 'refused' },
  { name: 'a user ID with a newline', run: "tm.identify('user\\nadmin')", outcome: 'refused' },
  { name: 'a user ID with NUL', run: "tm.identify('user\\u0000')", outcome: 'refused' },
  { name: 'new String(user ID)', run: "tm.identify(new String('user_9'))", outcome: 'refused' },
  { name: 'BigInt traits (defect 3)', run: "tm.identify(undefined, { big: 10n, name: N })", outcome: 'accepted' },
  { name: 'circular traits (defect 3)', run: 'tm.identify(undefined, H.circular())', outcome: 'accepted' },
  { name: 'identify after BigInt traits still works (defect 3)', run: "tm.identify(undefined, { plan: 'pro' })", outcome: 'accepted' },
  { name: 'traits with a trapping Proxy', run: 'tm.identify(undefined, { p: H.trapProto() })', outcome: 'repaired' },
  { name: 'a revoked Proxy as traits', run: 'tm.identify(undefined, H.revoked())', outcome: 'repaired' },
  { name: 'a string as traits', run: "tm.identify(undefined, 'email=a')", outcome: 'repaired' },
  { name: '40 KB of traits', run: "tm.identify(undefined, { s: 's'.repeat(40 * 1024) })", outcome: 'refused' },
  { name: 'identify() with nothing', run: 'tm.identify()', outcome: 'accepted' },
  { name: 'identify(null) clears the user', run: 'tm.identify(null)', outcome: 'accepted' },
];

const pages: HostileCall[] = [
  { name: 'page() with a throwing getter (defect 2)', run: 'tm.page(N, H.getter())', outcome: 'repaired' },
  { name: 'page() with a Proxy whose ownKeys throws (defect 2)', run: 'tm.page(N, H.trapKeys())', outcome: 'repaired' },
  { name: 'page() with a revoked Proxy', run: 'tm.page(N, H.revoked())', outcome: 'repaired' },
  { name: 'page(42)', run: 'tm.page(42)', outcome: 'refused' },
  { name: 'page({ name })', run: 'tm.page({ name: N })', outcome: 'refused' },
  { name: 'a 201-character page name', run: "tm.page('p'.repeat(201))", outcome: 'refused' },
  { name: "page('') (no name)", run: "tm.page('', { n: N })", outcome: 'accepted' },
  { name: 'page(null, props)', run: 'tm.page(null, { n: N })', outcome: 'accepted' },
  { name: 'page() with a string as properties', run: "tm.page(N, 'x=1')", outcome: 'repaired' },
  { name: 'page() overriding url', run: "tm.page(N, { url: 'javascript:alert(1)', path: 1 })", outcome: 'accepted' },
  { name: 'page() with 40 KB of properties', run: "tm.page(N, { s: 's'.repeat(40 * 1024) })", outcome: 'refused' },
];

const groups: HostileCall[] = [
  { name: 'group()', run: 'tm.group()', outcome: 'refused' },
  { name: "group('')", run: "tm.group('')", outcome: 'refused' },
  { name: 'group(42)', run: 'tm.group(42)', outcome: 'refused' },
  { name: 'a 201-character group ID', run: "tm.group('g'.repeat(201))", outcome: 'refused' },
  { name: 'a group ID with a bell character', run: "tm.group('g\\u0007')", outcome: 'refused' },
  { name: 'group traits with a trapping Proxy', run: "tm.group('acme', H.trapProto())", outcome: 'repaired' },
  { name: 'group traits with BigInt', run: "tm.group('acme', { seats: 10n })", outcome: 'accepted' },
];

const aliases: HostileCall[] = [
  { name: 'alias()', run: 'tm.alias()', outcome: 'refused' },
  { name: "alias('')", run: "tm.alias('')", outcome: 'refused' },
  { name: 'alias(JWT) (defect 4)', run: 'tm.alias(H.jwt)', outcome: 'refused' },
  { name: 'alias(id, 42)', run: "tm.alias('user_a', 42)", outcome: 'refused' },
  { name: "alias(id, '')", run: "tm.alias('user_a', '')", outcome: 'refused' },
  { name: 'alias(id, 201-character previous ID)', run: "tm.alias('user_a', 'p'.repeat(201))", outcome: 'refused' },
  { name: 'alias(id) under 200 characters', run: "tm.alias('user_alias_ok')", outcome: 'accepted' },
];

const consent: HostileCall[] = [
  { name: "setConsent('yes')", run: "tm.setConsent('yes')", outcome: 'refused' },
  { name: 'setConsent()', run: 'tm.setConsent()', outcome: 'refused' },
  { name: 'setConsent(null)', run: 'tm.setConsent(null)', outcome: 'refused' },
  { name: "setConsent('GRANTED')", run: "tm.setConsent('GRANTED')", outcome: 'refused' },
  { name: 'setConsent({})', run: 'tm.setConsent({})', outcome: 'refused' },
  { name: 'optOut(); track(); optIn(); track(good) in one tick (defect 6)', run: "tm.optOut(); tm.track(N + '-dropped'); tm.optIn(); tm.track(N)", outcome: 'accepted', sends: true },
  { name: 'optIn() twice', run: 'tm.optIn(); tm.optIn(); tm.track(N)', outcome: 'accepted', sends: true },
  { name: 'pending, track, granted', run: "tm.setConsent('pending'); tm.track(N); tm.setConsent('granted')", outcome: 'accepted', sends: true },
  { name: 'granted → pending → granted in one tick', run: "tm.setConsent('pending'); tm.setConsent('granted'); tm.track(N)", outcome: 'accepted', sends: true },
];

const misc: HostileCall[] = [
  { name: 'on() with a listener that throws', run: "tm.on('delivered', () => { throw new Error('listener'); }); tm.track(N)", outcome: 'accepted', sends: true },
  { name: 'on() with a number as listener', run: "tm.on('error', 42); tm.track(N)", outcome: 'accepted', sends: true },
  { name: 'on(null, fn)', run: 'tm.on(null, () => {}); tm.track(N)', outcome: 'accepted', sends: true },
  { name: 'five concurrent flush() calls', run: 'tm.track(N); for (let i = 0; i < 5; i++) tm.flush()', outcome: 'accepted', sends: true },
  { name: 'reset() twice then track', run: 'tm.reset(); tm.reset(); tm.track(N)', outcome: 'accepted', sends: true },
  { name: 'attributionHeaders() spread into fetch headers', run: 'new Headers(tm.attributionHeaders()); tm.track(N)', outcome: 'accepted', sends: true },
  { name: '1,000 calls in one tick', run: 'for (let i = 0; i < 1000; i++) tm.track(N)', outcome: 'accepted', sends: true },
];

/** Every client case, in the order they run. */
export const HOSTILE_CALLS: HostileCall[] = [...tracks, ...identifies, ...pages, ...groups, ...aliases, ...consent, ...misc];
