import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { spawnDemo } from './support/demo-process.js';
import { ADAPTERS, TEST_SECRET, useTestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const PAGE_FILES = new URL('../src/demo/sessions-page/public/', import.meta.url);
const file = (name: string) => readFileSync(new URL(name, PAGE_FILES), 'utf8');
const UA_PARSER = createRequire(import.meta.url).resolve('ua-parser-js/dist/ua-parser.min.js');

/** What the page and each of its files are sent with. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const HTML = 'text/html; charset=utf-8';
const SCRIPT = 'text/javascript; charset=utf-8';

describe.each(ADAPTERS)('the sessions page over %s, cookie mode', (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), { accessTokenCookie: true });
  const get = (path: string) => request(app.getHttpServer()).get(path);

  it('GET / answers the page as HTML with a same-origin-only policy', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.text).toBe(file('index.html'));
    expect(response.headers).toMatchObject({ 'content-type': HTML, ...SECURITY_HEADERS });
  });

  it.each([
    ['app.js', SCRIPT, () => file('app.js')],
    ['session-stream.js', SCRIPT, () => file('session-stream.js')],
    ['sessions-page.css', 'text/css; charset=utf-8', () => file('sessions-page.css')],
    ['ua-parser.min.js', SCRIPT, () => readFileSync(UA_PARSER, 'utf8')],
  ])('GET /sessions-page/%s answers the file as %s, with the same headers', async (name, contentType, body) => {
    const response = await get(`/sessions-page/${name}`);
    expect(response.status).toBe(200);
    expect(response.text).toBe(body());
    expect(response.headers).toMatchObject({ 'content-type': contentType, ...SECURITY_HEADERS });
  });

  it('leaves the page out of the OpenAPI document', async () => {
    const { paths } = (await get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(paths).filter((path) => path === '/' || path.startsWith('/sessions-page'))).toEqual([]);
  });

  it.each(['index.html', 'cookie-mode-required.html', '..%2Fpackage.json', 'missing.js'])(
    'GET /sessions-page/%s is not one of its files: 404',
    async (name) => {
      const response = await get(`/sessions-page/${name}`);
      expect({ status: response.status, body: response.body }).toEqual({
        status: 404,
        body: { message: 'Not Found', statusCode: 404 },
      });
      expect(response.headers['content-security-policy']).toBeUndefined();
    },
  );
});

describe.each(ADAPTERS)('the sessions page over %s, bearer mode', (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened));

  it('GET / says the page needs AUTH_COOKIE=true, with the same headers', async () => {
    const response = await request(app.getHttpServer()).get('/');
    expect(response.status).toBe(200);
    expect(response.text).toBe(file('cookie-mode-required.html'));
    expect(response.text).toContain('<code>AUTH_COOKIE=true npm start</code>');
    expect(response.headers).toMatchObject({ 'content-type': HTML, ...SECURITY_HEADERS });
  });
});

describe('the sessions page from `npm start` (the build, started from another directory)', () => {
  it('GET / and its scripts answer the files of the checkout', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase();
    const demo = spawnDemo({
      DATABASE_URL: db.url,
      JWT_SECRET: TEST_SECRET,
      PORT: '0',
      AUTH_COOKIE: 'true',
      AUDIT_LOG: 'false',
    });
    try {
      const base = `http://127.0.0.1:${await demo.listening()}`;
      const page = await fetch(`${base}/`);
      expect({ status: page.status, type: page.headers.get('content-type'), body: await page.text() }).toEqual({
        status: 200,
        type: HTML,
        body: file('index.html'),
      });
      const script = await fetch(`${base}/sessions-page/app.js`);
      expect({ status: script.status, body: await script.text() }).toEqual({ status: 200, body: file('app.js') });
    } finally {
      await demo.dispose();
      await db.drop();
    }
  });
});
