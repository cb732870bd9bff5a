import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RevokeReason, SessionService } from '../src/auth/index.js';
import {
  chromiumInstalled,
  useBrowserSuite,
  useBrowserSuiteOn,
  type AppPage,
  type BrowserSuite,
} from './support/browser.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD } from './support/constants.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { OTHER_ORIGIN_COOKIE } from './support/other-origin-site.js';
import { createTestApp } from './support/test-app.js';
import { addAccount, authState, settled } from './support/users.js';

const CHROMIUM = chromiumInstalled();

const ACCESS_COOKIE = '__Host-access_token';
const REFRESH_COOKIE = '__Secure-refresh_token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The default directives: the site's cache and storage, not its cookies (those of every port of the host). */
const DEFAULT_CLEAR_SITE_DATA = '"cache", "storage"';

const INVALID_REFRESH = {
  message: 'Unauthorized',
  description: 'Invalid, expired or revoked refresh token',
  code: 'UNAUTHORIZED',
};
const FORBIDDEN_ORIGIN = {
  message: 'Forbidden',
  description: "The request's origin is not allowed",
  code: 'FORBIDDEN',
};
const UNSUPPORTED_MEDIA_TYPE = {
  message: 'Unsupported media type',
  description: 'The request body must be JSON',
  code: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The jar's entry for a cookie the module sets: HttpOnly, Secure, SameSite=Strict, host-only. */
const moduleCookie = (name: string, path: string, value: unknown = expect.any(String)) => ({
  name,
  value,
  domain: 'localhost',
  path,
  expires: expect.any(Number),
  httpOnly: true,
  secure: true,
  sameSite: 'Strict',
});
/** The cookie the other origin's server set, as the jar holds it. */
const OTHER_DOCUMENT_COOKIE = `${OTHER_ORIGIN_COOKIE.name}=${OTHER_ORIGIN_COOKIE.value}`;
const otherOriginCookie = {
  ...OTHER_ORIGIN_COOKIE,
  domain: 'localhost',
  path: '/',
  expires: -1,
  httpOnly: false,
  secure: false,
  sameSite: 'Lax',
};
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Browser tests of cookie mode: the host's page and another origin of the same site, in real Chromium. */
function browserTests(suite: BrowserSuite) {
  const jar = async () => (await suite.context.cookies()).toSorted(byName);
  const jarValue = async (name: string) => (await jar()).find((cookie) => cookie.name === name)?.value;
  const sessionRows = (userId: string) =>
    suite.db.query(
      'SELECT id, revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions WHERE user_id = $1',
      [userId],
    );

  /** A new account, signed in from the host's page; `documentCookie`: what script sees of the jar before. */
  async function signIn(documentCookie = ''): Promise<{ page: AppPage; userId: string; sessionId: string }> {
    const email = `u-${randomBytes(5).toString('hex')}@example.com`;
    const password = `pw-${randomBytes(5).toString('hex')}`;
    const userId = await addAccount(suite.app, email, password);
    const page = await suite.openApp();
    const answer = await page.call('POST', '/auth/login', { email, password });
    expect(answer).toEqual({
      status: 200,
      body: { tokenType: 'Bearer', expiresIn: 900, sessionId: expect.stringMatching(UUID) },
      clearSiteData: null,
      documentCookie,
    });
    return { page, userId, sessionId: (answer.body as { sessionId: string }).sessionId };
  }

  return { jar, jarValue, sessionRows, signIn };
}

describe.skipIf(!CHROMIUM).each(ADAPTERS)('cookie mode in Chromium over %s', (adapter) => {
  // Strict rotation: the replaced refresh cookie sent again is theft at once (test/refresh-reuse has the interval).
  const suite = useBrowserSuite(adapter, { cookie: true, refreshReuseIntervalSeconds: 0 });
  const { jar, jarValue, sessionRows, signIn } = browserTests(suite);

  it('login stores both tokens in HttpOnly cookies and answers neither; page script cannot read them', async () => {
    const { page, userId, sessionId } = await signIn();
    expect(await jar()).toEqual([moduleCookie(ACCESS_COOKIE, '/'), moduleCookie(REFRESH_COOKIE, '/auth/refresh')]);
    // The access cookie lives as long as the token (900 s), the refresh cookie as long as the session (30 days).
    const [access, refresh] = (await jar()).map((cookie) => cookie.expires - Date.now() / 1000);
    expect(access).toBeGreaterThan(890);
    expect(access).toBeLessThanOrEqual(900);
    expect(refresh).toBeGreaterThan(30 * 86_400 - 10);
    expect(refresh).toBeLessThanOrEqual(30 * 86_400);
    expect(await page.call('GET', '/auth/me')).toEqual({
      status: 200,
      body: { userId, sessionId, deviceId: null },
      clearSiteData: null,
      documentCookie: '',
    });
    expect(await sessionRows(userId)).toEqual([{ id: sessionId, revoked: false, revoke_reason: null }]);
  });

  it('refresh with an empty JSON body rotates both cookies, answers no token; the old one is refused', async () => {
    const { page, userId, sessionId } = await signIn();
    const [oldAccess, oldRefresh] = [await jarValue(ACCESS_COOKIE), await jarValue(REFRESH_COOKIE)];
    expect(await page.call('POST', '/auth/refresh', {})).toEqual({
      status: 200,
      body: { tokenType: 'Bearer', expiresIn: 900, sessionId },
      clearSiteData: null,
      documentCookie: '',
    });
    expect(await jar()).toEqual([moduleCookie(ACCESS_COOKIE, '/'), moduleCookie(REFRESH_COOKIE, '/auth/refresh')]);
    expect(await jarValue(ACCESS_COOKIE)).not.toBe(oldAccess);
    expect(await jarValue(REFRESH_COOKIE)).not.toBe(oldRefresh);
    expect((await page.call('GET', '/auth/me')).status).toBe(200);

    // The browser sends the replaced refresh cookie again, as a stolen copy would be sent.
    await suite.context.addCookies([
      {
        name: REFRESH_COOKIE,
        value: oldRefresh!,
        domain: 'localhost',
        path: '/auth/refresh',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      },
    ]);
    expect(await page.call('POST', '/auth/refresh', {})).toEqual({
      status: 401,
      body: INVALID_REFRESH,
      clearSiteData: DEFAULT_CLEAR_SITE_DATA,
      documentCookie: '',
    });
    expect(await jar()).toEqual([]);
    expect(await sessionRows(userId)).toEqual([
      { id: sessionId, revoked: true, revoke_reason: RevokeReason.refreshTokenReuse },
    ]);
  });

  it('a same-site page on another port cannot log out: a no-cors fetch and a text/plain form answer 403', async () => {
    const { page, userId, sessionId } = await signIn();
    const before = await jar();
    const other = await suite.context.newPage();
    await suite.other.open(other);

    expect((await suite.other.fetchNoCors(other, '/auth/logout')).status()).toBe(403);
    const form = await suite.other.postForm(other, '/auth/logout/all', 'text/plain', { a: 'b' });
    expect({ status: form.status(), body: await form.json() }).toEqual({ status: 403, body: FORBIDDEN_ORIGIN });

    expect(await sessionRows(userId)).toEqual([{ id: sessionId, revoked: false, revoke_reason: null }]);
    // Nothing was cleared either: a refused request from another origin must not sign the page out.
    expect(await jar()).toEqual([...before, otherOriginCookie].toSorted(byName));
    expect(await page.call('GET', '/auth/me')).toEqual({
      status: 200,
      body: { userId, sessionId, deviceId: null },
      clearSiteData: null,
      documentCookie: OTHER_DOCUMENT_COOKIE,
    });
  });

  it.each(ROUTE_SPECS)(
    '$path after the session ended elsewhere answers its 401 and the jar loses both cookies',
    async ({ path, revoked: [status, body] }) => {
      const { page, sessionId } = await signIn();
      expect(await suite.app.get(SessionService).revokeSession(sessionId)).toBe(true);
      await settled(suite.app);
      expect(await page.call('POST', path)).toEqual({
        status,
        body,
        clearSiteData: DEFAULT_CLEAR_SITE_DATA,
        documentCookie: '',
      });
      expect(await jar()).toEqual([]);
    },
  );

  it("logout empties the jar of the module's cookies; another port's survives default Clear-Site-Data", async () => {
    const other = await suite.context.newPage();
    await suite.other.open(other);
    const { page, userId, sessionId } = await signIn(OTHER_DOCUMENT_COOKIE);
    expect(await page.call('POST', '/auth/logout')).toEqual({
      status: 200,
      body: { message: 'Logged out successfully' },
      clearSiteData: DEFAULT_CLEAR_SITE_DATA,
      documentCookie: OTHER_DOCUMENT_COOKIE,
    });
    expect(await jar()).toEqual([otherOriginCookie]);
    expect(await sessionRows(userId)).toEqual([{ id: sessionId, revoked: true, revoke_reason: RevokeReason.logout }]);
  });

  it('DELETE /auth/sessions/<own id> ends the session and empties the jar', async () => {
    const { page, userId, sessionId } = await signIn();
    expect(await page.call('DELETE', `/auth/sessions/${sessionId}`)).toEqual({
      status: 200,
      body: { message: 'Session revoked', revokedSessions: 1 },
      clearSiteData: DEFAULT_CLEAR_SITE_DATA,
      documentCookie: '',
    });
    expect(await jar()).toEqual([]);
    expect(await sessionRows(userId)).toEqual([
      { id: sessionId, revoked: true, revoke_reason: RevokeReason.sessionRevoked },
    ]);
  });
});

describe.skipIf(!CHROMIUM).each(ADAPTERS)(
  'cookie mode with clearSiteData ["cookies"] in Chromium over %s',
  (adapter) => {
    const suite = useBrowserSuite(adapter, {
      cookie: { clearSiteData: ['cookies'] },
    });
    const { jar, signIn } = browserTests(suite);

    it("a logout clears every cookie of the host: the other port's too", async () => {
      const other = await suite.context.newPage();
      await suite.other.open(other);
      const { page } = await signIn(OTHER_DOCUMENT_COOKIE);
      expect(await page.call('POST', '/auth/logout')).toEqual({
        status: 200,
        body: { message: 'Logged out successfully' },
        clearSiteData: '"cookies"',
        documentCookie: '',
      });
      expect(await jar()).toEqual([]);
    });
  },
);

describe.skipIf(!CHROMIUM).each(ADAPTERS)("the demo's login in Chromium over %s", (adapter) => {
  const suite = useBrowserSuiteOn((url) => createTestApp(url, adapter, { accessTokenCookie: true }));
  const { jar } = browserTests(suite);

  it('refuses a urlencoded form posted from the other origin (login CSRF): 415, no cookie, no session', async () => {
    const before = await authState(suite.db);
    const other = await suite.context.newPage();
    await suite.other.open(other);
    const form = { email: DEMO_EMAIL, password: DEMO_PASSWORD };
    const answer = await suite.other.postForm(other, '/auth/login', 'application/x-www-form-urlencoded', form);
    expect({ status: answer.status(), body: await answer.json() }).toEqual({
      status: 415,
      body: UNSUPPORTED_MEDIA_TYPE,
    });
    expect(await jar()).toEqual([otherOriginCookie]);
    expect(await authState(suite.db)).toEqual(before);
  });
});
