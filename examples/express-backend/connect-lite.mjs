// A twenty-line stand-in for Express, so the example runs on node:http alone. Handlers have
// Express's shape, `(req, res, next)`, and `tidemark()` is used exactly as with Express:
//   const app = express(); app.use(express.json(), tidemark({ client }));
// Replace this file with Express and nothing else changes.

/**
 * A Connect-style app: `use(fn)` for middleware, `get/post(path, fn)` for routes.
 *
 * @returns `app`, callable as a node:http request listener
 */
export function connectLite() {
  const stack = [];
  const app = (req, res) => {
    let i = 0;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const next = (error) => {
      if (error) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      const layer = stack[i++];
      if (!layer) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      if ((layer.method && layer.method !== req.method) || (layer.path && layer.path !== path)) return next();
      Promise.resolve()
        .then(() => layer.fn(req, res, next))
        .catch(next);
    };
    next();
  };
  app.use = (fn) => (stack.push({ fn }), app);
  app.get = (path, fn) => (stack.push({ method: 'GET', path, fn }), app);
  app.post = (path, fn) => (stack.push({ method: 'POST', path, fn }), app);
  return app;
}

/**
 * `express.json()`'s job: parse a JSON body (at most 64 KB) into `req.body`.
 *
 * @returns the middleware
 */
export function jsonBody() {
  return (req, res, next) => {
    if (!(req.headers['content-type'] ?? '').includes('json')) return next();
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 65_536) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid JSON"}');
      }
      next();
    });
  };
}
