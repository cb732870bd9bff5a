import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppPageController } from './apps/app-page.controller.js';
import { HostModule } from './apps/host.module.js';
import { UNAUTHORIZED } from './support/bodies.js';
import { chromiumInstalled, launchChromium } from './support/browser.js';
import { ADAPTERS } from './support/constants.js';
import { startHost } from './support/host.js';
import { startOtherOriginSite, type OtherOriginSite } from './support/other-origin-site.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { addAccount } from './support/users.js';

const CHROMIUM = chromiumInstalled();

interface AppPageWindow {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * A single-page app on another origin (another port of localhost) that the host lists in `cors` with credentials,
 * and a page of an origin it does not list, both calling the host's module routes with real `fetch` in Chromium.
 */
describe.skipIf(!CHROMIUM).each(ADAPTERS)('CORS in Chromium over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let appOrigin = '';
  let allowed: OtherOriginSite;
  let stranger: OtherOriginSite;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    // The pages' origins must be known to the app before it starts, and the app's origin to the pages when served.
    allowed = await startOtherOriginSite(() => appOrigin);
    stranger = await startOtherOriginSite(() => appOrigin);
    db = await createTestDatabase();
    const options = { cookie: true, cors: { origins: [allowed.origin], credentials: true } };
    app = await startHost(
      { imports: [HostModule.forRoot(db.url, options)], controllers: [AppPageController] },
      adapter,
    );
    await app.listen(0, '127.0.0.1');
    appOrigin = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await allowed?.close();
    await stranger?.close();
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(async () => {
    await context?.close();
  });

  const sessionRows = (sessionId: string) =>
    db.query('SELECT revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions WHERE id = $1', [sessionId]);
  const moduleCookies = async () =>
    (await context.cookies())
      .filter(({ name }) => name.startsWith('__'))
      .map(({ name }) => name)
      .toSorted();

  /** A new account signed in from the host's own page: the browser holds its cookies. */
  async function signIn(): Promise<string> {
    const email = `u-${randomBytes(5).toString('hex')}@example.com`;
    await addAccount(app, email, 'pw');
    const tab = await context.newPage();
    await tab.goto(`${appOrigin}/app`);
    const answer = await tab.evaluate(
      (credentials) => (globalThis as unknown as AppPageWindow).call('POST', '/auth/login', credentials),
      { email, password: 'pw' },
    );
    expect(answer.status).toBe(200);
    expect(await moduleCookies()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
    return (answer.body as { sessionId: string }).sessionId;
  }

  it.each([
    ['a simple POST', undefined],
    ['a JSON POST, after a preflight', {}],
  ])("the listed origin's page logs out with the cookie (%s) and reads the answers", async (_name, body) => {
    const sessionId = await signIn();
    const tab = await context.newPage();
    await allowed.open(tab);
    expect(await allowed.fetchCors(tab, '/auth/logout', body)).toEqual({
      status: 200,
      body: JSON.stringify({ message: 'Logged out successfully' }),
      challenge: null,
    });
    expect(await sessionRows(sessionId)).toEqual([{ revoked: true, revoke_reason: 'logout' }]);
    expect(await moduleCookies()).toEqual([]);
    // An error body, and the exposed WWW-Authenticate, are readable too.
    expect(await allowed.fetchCors(tab, '/auth/logout', body)).toEqual({
      status: 401,
      body: JSON.stringify(UNAUTHORIZED),
      challenge: 'Bearer',
    });
  });

  it.each([
    ['a simple POST', undefined],
    ['a JSON POST, whose preflight is refused', {}],
  ])(
    "an unlisted origin's page cannot (%s): the fetch fails, the session and its cookies stay",
    async (_name, body) => {
      const sessionId = await signIn();
      const tab = await context.newPage();
      await stranger.open(tab);
      expect(await stranger.fetchCors(tab, '/auth/logout', body)).toEqual({ error: 'TypeError' });
      expect(await sessionRows(sessionId)).toEqual([{ revoked: false, revoke_reason: null }]);
      expect(await moduleCookies()).toEqual(['__Host-access_token', '__Secure-refresh_token']);
    },
  );
});
