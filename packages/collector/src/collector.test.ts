import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorError } from './errors.js';
import { basic, startTestCollector, trackEvent, type TestCollector, forEachStore } from './test-support/collector-fixture.js';

let tc: TestCollector | undefined;
afterEach(async () => {
  await tc?.close();
  tc = undefined;
});

forEachStore(() => {
  describe('startCollector', () => {
    it('listens on 127.0.0.1 with the real port in url, and close() is safe twice', async () => {
      tc = await startTestCollector();
      expect(tc.url).toBe(`http://127.0.0.1:${tc.collector.port}`);
      expect((await fetch(`${tc.url}/v1/health`)).status).toBe(200);
      await tc.collector.close();
      await tc.collector.close();
      await expect(fetch(`${tc.url}/v1/health`)).rejects.toThrow();
    });

    it('fails with a listen error naming the port when it is taken', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        await startTestCollector({ port });
        expect.unreachable('the port was taken');
      } catch (err) {
        expect(err).toBeInstanceOf(CollectorError);
        expect((err as CollectorError).code).toBe('listen');
        expect((err as CollectorError).message).toContain(`port ${port} is in use`);
      } finally {
        blocker.close();
      }
    });

    it('serves the dashboard page with a strict CSP, its script and its styles', async () => {
      tc = await startTestCollector();
      const page = await fetch(`${tc.url}/`);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script src="/dashboard.js" defer></script>');
      const script = await fetch(`${tc.url}/dashboard.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      const source = await script.text();
      expect(source).toContain('textContent');
      expect(source).not.toContain('innerHTML');
      expect((await fetch(`${tc.url}/dashboard.css`)).status).toBe(200);
    });

    it('finishes a request whose body is still arriving when close() is called, and refuses new connections', async () => {
      tc = await startTestCollector();
      const body = JSON.stringify({ batch: [trackEvent()] });
      let status = 0;
      const answered = new Promise<void>((resolve, reject) => {
        const req = request(`${tc!.url}/v1/batch`, { method: 'POST', headers: { authorization: basic(), 'content-length': Buffer.byteLength(body) } }, (res) => {
          status = res.statusCode ?? 0;
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        // The rest of the body comes only after close() has begun.
        setTimeout(() => req.end(body.slice(10)), 300);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closing = tc.collector.close();
      await expect(fetch(`${tc.url}/v1/health`)).rejects.toThrow();
      await answered;
      await closing;
      expect(status).toBe(200);
      expect(tc.collector.stats().stored).toBe(1);
    });
  });
});
