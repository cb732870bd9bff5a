import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_LOGOUT_HEADER } from '../src/auth/index.js';
import { INVALID_REFRESH, UNAUTHORIZED } from './support/bodies.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { freePort } from './support/free-port.js';
import { TestOidcProvider } from './support/oidc-provider.js';
import { RedirectAgent } from './support/redirect-client.js';
import { login } from './support/session-client.js';
import { ADAPTERS, createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { within } from './support/within.js';

const CLIENT = { clientId: 'nest-signout-demo', clientSecret: 'a-client-secret-of-the-demo' };

const SIGN_IN_FAILED = {
  message: 'Unauthorized',
  description: 'The sign-in through the identity provider failed',
  code: 'IDENTITY_PROVIDER_SIGN_IN_FAILED',
};

interface IssuedTokens {
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

/** The hidden `xsrf` of the provider's sign-out confirmation form, and where it posts. */
function logoutForm(html: string): { action: string; xsrf: string } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) throw new Error(`No sign-out form in ${html}`);
  return { action, xsrf };
}

const me = (url: string, token: string) => request(url).get('/auth/me').set('Authorization', `Bearer ${token}`);

describe.each(ADAPTERS)('sign-in through an OpenID Provider and single sign-out, over %s', (adapter) => {
  let idp: TestOidcProvider;
  let db: TestDatabase;
  let a: INestApplication;
  let b: INestApplication;
  let aUrl: string;
  let bUrl: string;

  beforeAll(async () => {
    idp = await TestOidcProvider.reserve();
    db = await createTestDatabase();
    const [aPort, bPort] = [await freePort(), await freePort()];
    aUrl = `http://127.0.0.1:${aPort}`;
    bUrl = `http://127.0.0.1:${bPort}`;
    // Two instances behind one public URL (A's): the provider redirects to A and posts its logout tokens to A.
    const oidc = {
      issuer: idp.issuer,
      ...CLIENT,
      redirectUri: `${aUrl}/auth/oidc/callback`,
      postLogoutRedirectUri: `${aUrl}/`,
    };
    a = await createTestApp(db.url, adapter, { oidc });
    b = await createTestApp(db.url, adapter, { oidc });
    await a.listen(aPort, '127.0.0.1');
    await b.listen(bPort, '127.0.0.1');
    await idp.start([
      {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        redirect_uris: [oidc.redirectUri],
        post_logout_redirect_uris: [oidc.postLogoutRedirectUri],
        backchannel_logout_uri: `${aUrl}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ]);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await idp?.close();
    await db?.drop();
  });

  /** A browser's sign-in: the demo's login redirect, the provider's authorization (code + PKCE), the callback. */
  async function signIn(agent: RedirectAgent): Promise<{ tokens: IssuedTokens; visited: string[] }> {
    const answer = await agent.follow(`${aUrl}/auth/oidc/login`);
    expect(answer.status, answer.text).toBe(200);
    return { tokens: JSON.parse(answer.text) as IssuedTokens, visited: answer.visited };
  }

  it('signs in (code + PKCE); a sign-out at the provider ends the session on both instances', async () => {
    idp.account = { sub: 'user-1', email: 'federated@example.com' };
    const agent = new RedirectAgent();
    const { tokens, visited } = await signIn(agent);
    expect(tokens).toEqual({
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: expect.any(String),
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    // The authorization request carried a PKCE challenge (S256) and went through the provider's interaction.
    const authorization = new URL(visited[1]);
    expect(authorization.origin + authorization.pathname).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(authorization.searchParams)).toEqual({
      client_id: CLIENT.clientId,
      redirect_uri: `${aUrl}/auth/oidc/callback`,
      response_type: 'code',
      scope: 'openid email',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
    });
    expect(visited.at(-1)).toMatch(new RegExp(`^${aUrl}/auth/oidc/callback\\?code=`));
    // The flow cookie is used once.
    expect(agent.cookieNames(aUrl)).toEqual([]);

    const [row] = await db.query<Record<string, unknown>>(
      `SELECT s.idp_issuer, s.idp_sid, s.idp_subject, s.idp_id_token IS NOT NULL AS has_id_token, u.email
       FROM auth_sessions s JOIN users u ON u.id::text = s.user_id WHERE s.id = $1`,
      [tokens.sessionId],
    );
    expect(row).toEqual({
      idp_issuer: idp.issuer,
      idp_sid: expect.any(String),
      idp_subject: 'user-1',
      has_id_token: true,
      email: 'federated@example.com',
    });
    await me(aUrl, tokens.accessToken).expect(200);
    await me(bUrl, tokens.accessToken).expect(200);

    // The user signs out at the provider: its confirmation page, then the form it posts.
    const page = await agent.send(`${idp.issuer}/session/end`);
    expect(page.status).toBe(200);
    const form = logoutForm(page.text);
    const signedOut = await agent.follow(new URL(form.action, idp.issuer).href, {
      form: { xsrf: form.xsrf, logout: 'yes' },
    });
    expect(signedOut.status).toBe(200);
    expect(idp.backchannel).toEqual([{ clientId: CLIENT.clientId, sid: row.idp_sid }]);

    const [ended] = await db.query(
      `SELECT revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions
      WHERE id = $1`,
      [tokens.sessionId],
    );
    expect(ended).toEqual({ revoked: true, revoke_reason: 'backchannel_logout' });
    const refusedOnA = await me(aUrl, tokens.accessToken);
    expect({ status: refusedOnA.status, body: refusedOnA.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    const refusedOnB = await within(2000, async () => {
      const answer = await me(bUrl, tokens.accessToken);
      return answer.status === 401 ? answer : undefined;
    });
    expect({ status: refusedOnB?.status, body: refusedOnB?.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    const refresh = await request(bUrl).post('/auth/refresh').send({ refreshToken: tokens.refreshToken });
    expect({ status: refresh.status, body: refresh.body }).toEqual({ status: 401, body: INVALID_REFRESH });
  });

  it("a logout hands back the provider's logout URL (id_token_hint), which signs out there and returns", async () => {
    idp.backchannel.length = 0;
    idp.account = { sub: 'user-2', email: 'second@example.com' };
    const agent = new RedirectAgent();
    const { tokens } = await signIn(agent);
    const [{ idp_id_token: idToken }] = await db.query<{ idp_id_token: string }>(
      'SELECT idp_id_token FROM auth_sessions WHERE id = $1',
      [tokens.sessionId],
    );

    const logout = await request(bUrl).post('/auth/logout').set('Authorization', `Bearer ${tokens.accessToken}`);
    expect({ status: logout.status, body: logout.body }).toEqual({
      status: 200,
      body: { message: 'Logged out successfully' },
    });
    const location = new URL(logout.headers[PROVIDER_LOGOUT_HEADER.toLowerCase()] as string);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/session/end`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      id_token_hint: idToken,
      client_id: CLIENT.clientId,
      post_logout_redirect_uri: `${aUrl}/`,
    });

    // The browser goes there: the provider accepts the hint, confirms, signs out, and sends it back to the app.
    const page = await agent.send(location.href);
    expect(page.status, page.text).toBe(200);
    const form = logoutForm(page.text);
    const back = await agent.send(new URL(form.action, idp.issuer).href, { form: { xsrf: form.xsrf, logout: 'yes' } });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${aUrl}/`);
    // Its back-channel logout reaches the app too, which has nothing left to end.
    expect(idp.backchannel).toEqual([{ clientId: CLIENT.clientId, sid: expect.any(String) }]);
    // Signing in again takes the provider's login again: its session is gone.
    const again = await signIn(agent);
    expect(again.visited.filter((url) => new URL(url).pathname.startsWith('/interaction/')).length).toBeGreaterThan(0);
    expect(again.tokens.sessionId).not.toBe(tokens.sessionId);
  });

  it.each([
    ...ROUTE_SPECS.map(({ path, ok }) => [path, ok] as const),
    ['/auth/logout/all', { message: 'Logged out of all sessions', revokedSessions: 1 }] as const,
  ])('%s answers its own body and the provider logout URL', async (path, ok) => {
    idp.account = { sub: `user-of-${path}`, email: `${path.replaceAll('/', '.').slice(1)}@example.com` };
    const { tokens } = await signIn(new RedirectAgent());
    const logout = await request(aUrl).post(path).set('Authorization', `Bearer ${tokens.accessToken}`).send({});
    // An empty body (v3) is empty text.
    expect({ status: logout.status, body: ok === undefined ? logout.text : logout.body }).toEqual({
      status: 200,
      body: ok ?? '',
    });
    const location = new URL(logout.headers[PROVIDER_LOGOUT_HEADER.toLowerCase()] as string);
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/session/end`);
    expect([...location.searchParams.keys()]).toEqual(['id_token_hint', 'client_id', 'post_logout_redirect_uri']);
  });

  it('a session of no provider has no provider logout URL', async () => {
    const session = await login(a);
    const logout = await request(aUrl).post('/auth/logout').set('Authorization', session.bearer);
    expect(logout.status).toBe(200);
    expect(logout.headers[PROVIDER_LOGOUT_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('refuses a callback without its flow cookie, with a forged state, or replayed; nothing is created', async () => {
    const [{ count: before }] = await db.query<{ count: string }>('SELECT count(*) FROM auth_sessions');
    const noFlow = await request(aUrl).get('/auth/oidc/callback?code=abc&state=xyz');
    expect({ status: noFlow.status, body: noFlow.body }).toEqual({ status: 401, body: SIGN_IN_FAILED });

    // A real flow whose callback comes back with another state.
    const agent = new RedirectAgent();
    let answer = await agent.send(`${aUrl}/auth/oidc/login`);
    expect(answer.status).toBe(302);
    for (let hops = 0; !answer.headers.get('location')!.startsWith(aUrl); hops++) {
      answer = await agent.send(new URL(answer.headers.get('location')!, answer.url).href);
      if (hops > 8) throw new Error('the provider never redirected back');
    }
    const callback = new URL(answer.headers.get('location')!);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged');
    const refused = await agent.send(forged.href);
    expect({ status: refused.status, body: JSON.parse(refused.text) }).toEqual({ status: 401, body: SIGN_IN_FAILED });
    // The flow cookie went with the refused attempt: the genuine callback, now a replay, is refused too.
    const replayed = await agent.send(callback.href);
    expect({ status: replayed.status, body: JSON.parse(replayed.text) }).toEqual({ status: 401, body: SIGN_IN_FAILED });
    const [{ count: after }] = await db.query<{ count: string }>('SELECT count(*) FROM auth_sessions');
    expect(after).toBe(before);
  });
});
