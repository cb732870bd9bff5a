import { describe, expect, it } from 'vitest';
import { RevokeReason } from '../src/auth/index.js';
import { chromiumInstalled } from './support/browser.js';
import { ADAPTERS } from './support/constants.js';
import {
  ACCESS_COOKIE,
  authCookies,
  newDemoAccount,
  openSessionsPage,
  sessionIdIn,
  sessionsPage,
  settledOn,
  signInOnPage,
  useSessionsPageSuite,
} from './support/sessions-page.js';

const CHROMIUM = chromiumInstalled();

// Page script, as text: the suites compile without the DOM's types.
const PAGE_WIDTH = 'document.documentElement.scrollWidth';
const FOCUSED = 'document.activeElement.textContent';

describe.skipIf(!CHROMIUM).each(ADAPTERS)("the demo's sessions page in use, in Chromium over %s", (adapter) => {
  const { suite, sessionRows, signedInBrowsers } = useSessionsPageSuite(adapter);

  it('an expired access cookie is renewed from the refresh cookie: the page still lists the session', async () => {
    const { account, browsers } = await signedInBrowsers(1);
    const [{ context, page, parts, sessionId }] = browsers;
    const before = (await context.cookies()).find((cookie) => cookie.name === ACCESS_COOKIE)!.value;
    // What the browser does once the cookie's 15 minutes are over.
    await context.clearCookies({ name: ACCESS_COOKIE });
    await page.reload();
    expect(await settledOn(page)).toBe('sessions');
    expect(await parts.thisDevice.count()).toBe(1);
    expect(await authCookies(context)).toEqual(['__Host-access_token', '__Secure-refresh_token']);
    expect((await context.cookies()).find((cookie) => cookie.name === ACCESS_COOKIE)!.value).not.toBe(before);
    expect(await sessionIdIn(context)).toBe(sessionId);
    expect(await sessionRows(account.email)).toEqual([{ id: sessionId, revoked: false, revoke_reason: null }]);
  });

  it('a session signed out in another browser leaves the list on its own (the stream)', async () => {
    const { account, browsers } = await signedInBrowsers(2);
    const [first, second] = browsers;
    await first.page.reload();
    await settledOn(first.page);
    await expect.poll(() => first.parts.items.count()).toBe(2);

    await second.parts.signOut.click();
    await second.parts.signIn.waitFor();
    await expect.poll(() => first.parts.items.count()).toBe(1);
    expect(await first.parts.thisDevice.count()).toBe(1);
    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: false, revoke_reason: null },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.logout },
    ]);
  });

  it('when the stream is interrupted (the listener lost) the page listens again and still hears an end', async () => {
    const { account, browsers } = await signedInBrowsers(2);
    const [first, second] = browsers;
    await first.page.reload();
    await settledOn(first.page);
    await expect.poll(() => first.parts.items.count()).toBe(2);

    const events = (response: { url(): string; status(): number }) =>
      response.url() === `${suite.origin}/auth/sessions/events` && response.status() === 200;
    const listening = first.page.waitForResponse(events, { timeout: 20_000 });
    await suite.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'nest-signout-revocations'`,
    );
    await listening;
    await second.parts.signOut.click();
    await expect.poll(() => first.parts.items.count(), { timeout: 20_000 }).toBe(1);
    expect(await first.parts.thisDevice.count()).toBe(1);
    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: false, revoke_reason: null },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.logout },
    ]);
  });

  it('works from the keyboard: Tab reaches "End session", Enter ends that session', async () => {
    const { account, browsers } = await signedInBrowsers(2);
    const [first, second] = browsers;
    await first.page.reload();
    await settledOn(first.page);
    await expect.poll(() => first.parts.items.count()).toBe(2);
    // The page puts the keyboard on the list's heading once signed in; Tab walks from there.
    expect(await first.page.evaluate<string>(FOCUSED)).toBe('Sessions');
    for (let i = 0; i < 10 && (await first.page.evaluate<string>(FOCUSED)) !== 'End session'; i++)
      await first.page.keyboard.press('Tab');
    expect(await first.page.evaluate<string>(FOCUSED)).toBe('End session');
    await first.page.keyboard.press('Enter');
    await second.parts.signIn.waitFor();
    await expect.poll(() => first.parts.items.count()).toBe(1);
    expect(await first.page.evaluate<string>(FOCUSED)).toBe('Sessions');
    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: false, revoke_reason: null },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.sessionRevoked },
    ]);
  });

  it('is readable at 360 px: nothing runs off the side, and every button is reachable', async () => {
    const context = await suite.newContext({ viewport: { width: 360, height: 740 } });
    const account = await newDemoAccount(suite.app);
    const page = await openSessionsPage(context, suite.origin);
    expect(await page.evaluate<number>(PAGE_WIDTH)).toBeLessThanOrEqual(360);
    await signInOnPage(page, account);
    expect(await page.evaluate<number>(PAGE_WIDTH)).toBeLessThanOrEqual(360);
    const parts = sessionsPage(page);
    for (const button of [parts.signOut, parts.signOutOthers, parts.signOutEverywhere]) {
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
  });
});

describe.skipIf(!CHROMIUM).each(ADAPTERS)('the sessions page with the sign-in limits on, over %s', (adapter) => {
  const { suite, sessionRows } = useSessionsPageSuite(adapter, { rateLimitPerMinute: 30 });

  it('after repeated wrong passwords the form says when to try again (429, Retry-After)', async () => {
    const account = await newDemoAccount(suite.app);
    const page = await openSessionsPage(suite.context, suite.origin);
    const parts = sessionsPage(page);
    const errors: string[] = [];
    for (let i = 0; i < 10 && !errors.at(-1)?.startsWith('Too many'); i++) {
      await parts.email.fill(account.email);
      await parts.password.fill(`wrong-${i}`);
      const answered = page.waitForResponse(`${suite.origin}/auth/login`);
      await parts.password.press('Enter');
      await answered;
      await expect.poll(() => parts.signInError.innerText()).not.toBe('');
      errors.push(await parts.signInError.innerText());
    }
    expect(errors.at(0)).toBe('Invalid email or password.');
    expect(errors.at(-1)).toMatch(/^Too many requests, try again later\. Try again in [1-9]\d* seconds\.$/);
    expect(await sessionRows(account.email)).toEqual([]);
  });
});
