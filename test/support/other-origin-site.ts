import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Response } from 'playwright-core';

/** The cookie the other origin's page sets: a cookie of the same host that is none of the module's. */
export const OTHER_ORIGIN_COOKIE = { name: 'site_pref', value: 'dark' };

/**
 * The other origin's page: same site as the app (localhost), another port. Its script sends what a hostile
 * page can send without CORS: a `no-cors` fetch, and a form post (navigations carry SameSite=Strict
 * cookies between same-site origins).
 */
const page = (appOrigin: string) => `<!doctype html>
<html>
<head><meta charset="utf-8"><title>other origin</title></head>
<body>
<script>
const APP = ${JSON.stringify(appOrigin)};
window.fetchCors = (path, body) =>
  fetch(APP + path, {
    method: 'POST',
    credentials: 'include',
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  }).then(
    async (response) => ({
      status: response.status,
      body: await response.text(),
      challenge: response.headers.get('WWW-Authenticate'),
    }),
    (error) => ({ error: error.name }),
  );
window.fetchNoCors = (path) =>
  fetch(APP + path, { method: 'POST', mode: 'no-cors', credentials: 'include' }).then((response) => response.type);
window.postForm = (path, enctype, fields) => {
  const form = document.createElement('form');
  form.method = 'POST';
  form.enctype = enctype;
  form.action = APP + path;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
};
</script>
</body>
</html>
`;

/** What the page's script sees of a CORS fetch: the answer, or the error a refused one rejects with. */
export type CorsFetchResult = { status: number; body: string; challenge: string | null } | { error: string };

interface OtherOriginWindow {
  fetchCors(path: string, body?: unknown): Promise<CorsFetchResult>;
  fetchNoCors(path: string): Promise<string>;
  postForm(path: string, enctype: string, fields: Record<string, string>): void;
}

export interface OtherOriginSite {
  /** `http://localhost:<port>`. */
  origin: string;
  /** Opens the page in `page` (which stores OTHER_ORIGIN_COOKIE). */
  open(page: Page): Promise<void>;
  /**
   * From the open page: `fetch(app + path, { method: 'POST', credentials: 'include' })` in CORS mode, with a JSON body
   * (so a preflight first) when given one: what its script can read, or the error name when the browser refuses.
   */
  fetchCors(page: Page, path: string, body?: unknown): Promise<CorsFetchResult>;
  /** From the open page: `fetch(app + path, { method: 'POST', mode: 'no-cors', credentials: 'include' })`. */
  fetchNoCors(page: Page, path: string): Promise<Response>;
  /** From the open page: a form posted to the app's `path` (the page navigates to the answer). */
  postForm(page: Page, path: string, enctype: string, fields?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A plain node:http server on another port of localhost, serving the other origin's page. `appOrigin` may be given
 * later (a function read per request), for an app that must know this site's origin before it starts.
 */
export async function startOtherOriginSite(appOrigin: string | (() => string)): Promise<OtherOriginSite> {
  const app = typeof appOrigin === 'string' ? () => appOrigin : appOrigin;
  const server = createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Set-Cookie': `${OTHER_ORIGIN_COOKIE.name}=${OTHER_ORIGIN_COOKIE.value}; Path=/; SameSite=Lax`,
    });
    response.end(page(app()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  /** The app's answer to what the page sends to `path`, as the browser received it. */
  const answerTo = async (tab: Page, path: string, send: () => Promise<unknown>) =>
    (await Promise.all([tab.waitForResponse(`${app()}${path}`), send()]))[0];
  return {
    origin,
    open: async (tab) => {
      await tab.goto(`${origin}/`);
    },
    fetchCors: (tab, path, body) =>
      tab.evaluate(([target, payload]) => (globalThis as unknown as OtherOriginWindow).fetchCors(target, payload), [
        path,
        body,
      ] as const),
    fetchNoCors: (tab, path) =>
      answerTo(tab, path, () =>
        tab.evaluate((target) => (globalThis as unknown as OtherOriginWindow).fetchNoCors(target), path),
      ),
    postForm: (tab, path, enctype, fields = {}) =>
      answerTo(tab, path, () =>
        tab.evaluate(
          ([target, type, values]) => (globalThis as unknown as OtherOriginWindow).postForm(target, type, values),
          [path, enctype, fields] as const,
        ),
      ),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
