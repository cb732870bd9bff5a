import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { expect } from 'vitest';
import { addAccount } from './users.js';

export const ACCESS_COOKIE = '__Host-access_token';
export const REFRESH_COOKIE = '__Secure-refresh_token';

/** The Set-Cookie values that expire the two cookies of cookie mode (default options). */
export const CLEARED_COOKIES = [
  `${ACCESS_COOKIE}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict`,
  `${REFRESH_COOKIE}=; Path=/auth/refresh; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; ` +
    'SameSite=Strict',
];

/** The headers a browser adds to a fetch from a page of the API's own origin. */
export const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin' } as const;
/** The headers a browser adds to a fetch from a page on another port of the same host: same-site, not same-origin. */
export const SIBLING_PORT = { 'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:5555' } as const;

/** Status and body, the body as text when it is empty (`/v3/logout`'s 200). */
export const answer = (response: { status: number; body: unknown; text: string }) => ({
  status: response.status,
  body: response.text === '' ? '' : response.body,
});

/** A login in cookie mode as a browser keeps it: the two cookies, and what they hold. */
export interface BrowserSession {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** The `Cookie` header a browser sends to any route (the access cookie). */
  cookie: string;
  /** The `Cookie` header a browser sends to the refresh route (both cookies). */
  refreshCookies: string;
}

/**
 * The two Set-Cookie values of a login or refresh in cookie mode (default options), asserted whole; returns the
 * tokens they hold. The refresh cookie lives as long as the session: `sessionTtlSeconds` from login, less the seconds
 * since.
 */
export function expectIssuedCookies(
  setCookie: string[] | undefined,
  sessionTtlSeconds = 2_592_000,
): { accessToken: string; refreshToken: string } {
  const access = new RegExp(
    `^${ACCESS_COOKIE}=([\\w-]+\\.[\\w-]+\\.[\\w-]+); Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict$`,
  );
  const refresh = new RegExp(
    `^${REFRESH_COOKIE}=([\\w-]{43}); Path=/auth/refresh; Max-Age=(\\d+); HttpOnly; Secure; SameSite=Strict$`,
  );
  expect(setCookie).toEqual([expect.stringMatching(access), expect.stringMatching(refresh)]);
  const [, refreshToken, maxAge] = refresh.exec(setCookie![1])!;
  expect(Number(maxAge)).toBeGreaterThan(sessionTtlSeconds - 5);
  expect(Number(maxAge)).toBeLessThanOrEqual(sessionTtlSeconds);
  return { accessToken: access.exec(setCookie![0])![1], refreshToken };
}

/**
 * A new account of the test host, signed in through its `POST /auth/login` in cookie mode, or (`signIn`) through its
 * password-less `POST /sign-in/:userId`, which no rate limit counts.
 */
export async function browserLogin(app: INestApplication, via: 'login' | 'signIn' = 'login'): Promise<BrowserSession> {
  const email = `u-${randomBytes(5).toString('hex')}@example.com`;
  const userId = await addAccount(app, email, 'pw');
  const http = request(app.getHttpServer());
  const response =
    via === 'login'
      ? await http.post('/auth/login').send({ email, password: 'pw' }).expect(200)
      : await http.post(`/sign-in/${userId}`).expect(201);
  expect(response.body).toEqual({ tokenType: 'Bearer', expiresIn: 900, sessionId: expect.any(String) });
  const tokens = expectIssuedCookies(response.headers['set-cookie'] as unknown as string[]);
  return { userId, sessionId: response.body.sessionId, ...tokens, ...cookieHeaders(tokens) };
}

/** The Cookie headers a browser would send with these tokens. */
export const cookieHeaders = ({ accessToken, refreshToken }: { accessToken: string; refreshToken: string }) => ({
  cookie: `${ACCESS_COOKIE}=${accessToken}`,
  refreshCookies: `${ACCESS_COOKIE}=${accessToken}; ${REFRESH_COOKIE}=${refreshToken}`,
});
