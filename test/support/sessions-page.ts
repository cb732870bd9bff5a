import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoConfig } from '../../src/demo/demo.config.js';
import { DemoUsersService } from '../../src/demo/users/demo-users.service.js';
import { useBrowserSuiteOn, type BrowserSuite } from './browser.js';
import type { Adapter } from './constants.js';
import { createTestApp } from './test-app.js';

export const ACCESS_COOKIE = '__Host-access_token';
export const REFRESH_COOKIE = '__Secure-refresh_token';

/** A new account of the demo app. */
export async function newDemoAccount(app: INestApplication): Promise<{ email: string; password: string }> {
  const account = { email: `u-${randomBytes(5).toString('hex')}@example.com`, password: 'pw-page' };
  await app.get(DemoUsersService).upsertUser(account.email, account.password);
  return account;
}

/** The page's parts, found as a user (or a screen reader) finds them: by role and exact accessible name. */
export const sessionsPage = (page: Page) => {
  const list = page.getByRole('list', { name: 'Sessions', exact: true });
  return {
    email: page.getByLabel('Email', { exact: true }),
    password: page.getByLabel('Password', { exact: true }),
    signIn: page.getByRole('button', { name: 'Sign in', exact: true }),
    signInError: page.getByRole('alert'),
    status: page.getByRole('status'),
    list,
    items: list.getByRole('listitem'),
    thisDevice: list.getByRole('listitem').filter({ hasText: 'This device' }),
    others: list.getByRole('listitem').filter({ hasNotText: 'This device' }),
    signOut: page.getByRole('button', { name: 'Sign out', exact: true }),
    signOutOthers: page.getByRole('button', { name: 'Sign out other sessions', exact: true }),
    signOutEverywhere: page.getByRole('button', { name: 'Sign out everywhere', exact: true }),
  };
};

/** The demo's page (GET /) in a new tab of `context`, once its script has decided between the form and the list. */
export async function openSessionsPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await settledOn(page);
  return page;
}

/** Waits until either the sign-in form or the list shows. */
export async function settledOn(page: Page): Promise<'sign-in' | 'sessions'> {
  const { signIn, list } = sessionsPage(page);
  await signIn.or(list).first().waitFor();
  return (await list.isVisible()) ? 'sessions' : 'sign-in';
}

/** Signs in through the form, by keyboard (Enter submits), and waits for the list. */
export async function signInOnPage(page: Page, account: { email: string; password: string }): Promise<void> {
  const parts = sessionsPage(page);
  await parts.email.fill(account.email);
  await parts.password.fill(account.password);
  await parts.password.press('Enter');
  await parts.list.waitFor();
}

/** The session id (`sid`) of the access cookie in the jar, or undefined without one. */
export async function sessionIdIn(context: BrowserContext): Promise<string | undefined> {
  const token = (await context.cookies()).find((cookie) => cookie.name === ACCESS_COOKIE)?.value;
  if (!token) return undefined;
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sid: string }).sid;
}

/** The module's cookies in the jar, by name. */
export async function authCookies(context: BrowserContext): Promise<string[]> {
  return (await context.cookies())
    .map((cookie) => cookie.name)
    .filter((name) => name === ACCESS_COOKIE || name === REFRESH_COOKIE)
    .toSorted();
}

/** A browser signed in on the page: its context, tab, the page's parts, and the session it holds. */
export interface SignedInBrowser {
  context: BrowserContext;
  page: Page;
  parts: ReturnType<typeof sessionsPage>;
  sessionId: string;
}

/** For a describe block: the demo app in cookie mode on a fresh database, listening on localhost, and Chromium. */
export function useSessionsPageSuite(adapter: Adapter, overrides: Partial<DemoConfig> = {}) {
  const suite: BrowserSuite = useBrowserSuiteOn((url) =>
    createTestApp(url, adapter, { accessTokenCookie: true, ...overrides }),
  );

  /** The sessions of the account with this email, oldest first. */
  const sessionRows = (email: string) =>
    suite.db.query(
      `SELECT s.id, s.revoked_at IS NOT NULL AS revoked, s.revoke_reason FROM auth_sessions s
       JOIN users u ON u.id::text = s.user_id WHERE u.email = $1 ORDER BY s.created_at`,
      [email],
    );

  /** A new account signed in through the page from `count` browser contexts (the suite's own first). */
  async function signedInBrowsers(count: number) {
    const account = await newDemoAccount(suite.app);
    const contexts = [suite.context];
    for (let i = 1; i < count; i++) contexts.push(await suite.newContext());
    const browsers: SignedInBrowser[] = [];
    for (const context of contexts) {
      const page = await openSessionsPage(context, suite.origin);
      await signInOnPage(page, account);
      browsers.push({ context, page, parts: sessionsPage(page), sessionId: (await sessionIdIn(context))! });
    }
    return { account, browsers };
  }

  return { suite, sessionRows, signedInBrowsers };
}
