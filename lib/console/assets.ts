/**
 * The console's script and stylesheet, served by the app itself (so the Lambda serves them too)
 * under content-hashed names with a year of immutable caching; a stale name (a page from before a
 * deploy) still gets the current file, cached briefly.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { CLIENT_CSS, CLIENT_JS } from './assets.gen.ts';

interface Asset {
  name: string;
  body: string;
  type: string;
  etag: string;
}

function asset(stem: string, ext: string, body: string, type: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name: `${stem}.${hash}.${ext}`, body, type, etag: `"${hash}"` };
}

const JS = asset('console', 'js', CLIENT_JS, 'text/javascript; charset=utf-8');
const CSS = asset('console', 'css', CLIENT_CSS, 'text/css; charset=utf-8');

/** Addresses of the current assets. */
export function assetUrls(): { js: string; css: string } {
  return { js: `/assets/${JS.name}`, css: `/assets/${CSS.name}` };
}

/** Sizes in bytes (raw), as the README reports them. */
export function assetSizes(): { js: number; css: number } {
  return { js: Buffer.byteLength(JS.body), css: Buffer.byteLength(CSS.body) };
}

/** GET /assets/console.<hash>.(js|css). */
export function assetRoutes(): Hono {
  const app = new Hono();
  app.get('/assets/:name', (c, next) => {
    const name = c.req.param('name');
    const found = [JS, CSS].find((a) => name === a.name);
    const stale = [JS, CSS].find(
      (a) =>
        !found &&
        /^console\.[0-9a-f]{12}\./.test(name) &&
        name.endsWith(a.name.slice(a.name.lastIndexOf('.'))),
    );
    const a = found ?? stale;
    if (!a) return next();
    c.header('Content-Type', a.type);
    c.header('Cache-Control', found ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    c.header('ETag', a.etag);
    c.header('X-Content-Type-Options', 'nosniff');
    if (c.req.header('if-none-match') === a.etag) return c.body(null, 304);
    return c.body(a.body);
  });
  // Browsers ask for it on every site; answer with nothing rather than a JSON 404.
  app.get('/favicon.ico', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(null, 204);
  });
  return app;
}
