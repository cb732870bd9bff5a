import { describe, expect, it } from 'vitest';
import { RevokeReason } from '../src/auth/index.js';
import { chromiumInstalled } from './support/browser.js';
import { ADAPTERS } from './support/constants.js';
import {
  authCookies,
  newDemoAccount,
  openSessionsPage,
  sessionsPage,
  settledOn,
  useSessionsPageSuite,
} from './support/sessions-page.js';

const CHROMIUM = chromiumInstalled();

// Page script, as text: the suites compile without the DOM's types.
const STORED_ITEMS = '[localStorage.length, sessionStorage.length]';

describe.skipIf(!CHROMIUM).each(ADAPTERS)("the demo's sessions page in Chromium over %s", (adapter) => {
  const { suite, sessionRows, signedInBrowsers } = useSessionsPageSuite(adapter);

  it('two browsers each list both sessions; ending the other one signs that browser out on its own', async () => {
    const { account, browsers } = await signedInBrowsers(2);
    const [first, second] = browsers;
    // The first signed in before the second existed: a reload lists both (the page restores itself from its cookie).
    await first.page.reload();
    await settledOn(first.page);
    for (const { parts } of browsers) {
      await expect.poll(() => parts.items.count()).toBe(2);
      expect(await parts.thisDevice.count()).toBe(1);
      expect(await parts.others.getByRole('button', { name: 'End session', exact: true }).count()).toBe(1);
      expect(await parts.thisDevice.getByRole('button').count()).toBe(0);
      const [ownText] = await parts.thisDevice.allInnerTexts();
      expect(ownText).toMatch(/Chrome .* on Linux/);
      expect(ownText).toMatch(/IP address\s+127\.0\.0\.1/);
      expect(ownText).toMatch(/Signed in\s+just now/);
      expect(ownText).toMatch(/Last active\s+just now/);
    }

    await first.parts.others.getByRole('button', { name: 'End session', exact: true }).click();
    await expect.poll(() => first.parts.items.count()).toBe(1);
    expect(await first.parts.thisDevice.count()).toBe(1);
    expect(await first.parts.status.innerText()).toBe('Session ended.');

    // The second page hears of it on the stream and returns to the sign-in form by itself.
    await second.parts.signIn.waitFor();
    expect(await second.parts.list.isVisible()).toBe(false);
    expect(await second.parts.status.innerText()).toBe('This session was ended from another session. Sign in again.');
    await second.page.reload();
    expect(await settledOn(second.page)).toBe('sign-in');
    expect(await authCookies(second.context)).toEqual([]);

    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: false, revoke_reason: null },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.sessionRevoked },
    ]);
  });

  it('"Sign out other sessions" from a third browser ends the other two; they return to the sign-in form', async () => {
    const { account, browsers } = await signedInBrowsers(3);
    const [first, second, third] = browsers;
    await expect.poll(() => third.parts.items.count()).toBe(3);

    await third.parts.signOutOthers.click();
    await expect.poll(() => third.parts.status.innerText()).toBe('Signed out 2 sessions elsewhere.');
    await expect.poll(() => third.parts.items.count()).toBe(1);
    expect(await third.parts.thisDevice.count()).toBe(1);
    for (const { parts } of [first, second]) {
      await parts.signIn.waitFor();
      expect(await parts.status.innerText()).toBe('Another session signed out the other sessions. Sign in again.');
    }
    expect(await authCookies(first.context)).toEqual([]);
    expect(await authCookies(second.context)).toEqual([]);

    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: true, revoke_reason: RevokeReason.logoutOthers },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.logoutOthers },
      { id: third.sessionId, revoked: false, revoke_reason: null },
    ]);
  });

  it('"Sign out" ends this session and clears its cookies, localStorage and sessionStorage', async () => {
    const { account, browsers } = await signedInBrowsers(1);
    const [{ context, page, parts, sessionId }] = browsers;
    await page.evaluate("localStorage.setItem('draft', 'kept by the app'); sessionStorage.setItem('tab', 'kept too')");
    expect(await page.evaluate<number[]>(STORED_ITEMS)).toEqual([1, 1]);
    expect(await authCookies(context)).toEqual(['__Host-access_token', '__Secure-refresh_token']);

    await parts.signOut.click();
    await parts.signIn.waitFor();
    expect(await parts.status.innerText()).toBe('You signed out.');
    expect(await authCookies(context)).toEqual([]);
    expect(await page.evaluate<number[]>(STORED_ITEMS)).toEqual([0, 0]);
    expect(await sessionRows(account.email)).toEqual([
      { id: sessionId, revoked: true, revoke_reason: RevokeReason.logout },
    ]);
  });

  it('"Sign out everywhere" ends every session: both browsers return to the sign-in form', async () => {
    const { account, browsers } = await signedInBrowsers(2);
    const [first, second] = browsers;

    await first.parts.signOutEverywhere.click();
    await first.parts.signIn.waitFor();
    expect(await first.parts.status.innerText()).toBe('You signed out everywhere (2 sessions).');
    await second.parts.signIn.waitFor();
    expect(await second.parts.status.innerText()).toBe('This account was signed out everywhere. Sign in again.');
    expect(await authCookies(first.context)).toEqual([]);
    expect(await authCookies(second.context)).toEqual([]);
    expect(await sessionRows(account.email)).toEqual([
      { id: first.sessionId, revoked: true, revoke_reason: RevokeReason.logoutAll },
      { id: second.sessionId, revoked: true, revoke_reason: RevokeReason.logoutAll },
    ]);
  });

  it('a wrong password shows the error inline and marks the fields; nothing is signed in', async () => {
    const account = await newDemoAccount(suite.app);
    const page = await openSessionsPage(suite.context, suite.origin);
    const parts = sessionsPage(page);
    expect(await settledOn(page)).toBe('sign-in');

    await signInWith(parts, { email: account.email, password: 'not-the-password' });
    await expect.poll(() => parts.signInError.innerText()).toBe('Invalid email or password.');
    expect(await parts.password.getAttribute('aria-invalid')).toBe('true');
    expect(await parts.password.getAttribute('aria-describedby')).toBe('sign-in-error');
    // The keyboard is back on the password, selected for retyping.
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('password');
    expect(await parts.list.isVisible()).toBe(false);
    expect(await authCookies(suite.context)).toEqual([]);
    expect(await sessionRows(account.email)).toEqual([]);

    await signInWith(parts, account);
    await parts.list.waitFor();
    expect(await parts.items.count()).toBe(1);
  });
});

async function signInWith(
  parts: ReturnType<typeof sessionsPage>,
  account: { email: string; password: string },
): Promise<void> {
  await parts.email.fill(account.email);
  await parts.password.fill(account.password);
  await parts.signIn.click();
}
