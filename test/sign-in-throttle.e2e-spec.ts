import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { ADAPTERS } from './support/constants.js';
import { createTestApp, useTestApp } from './support/test-app.js';
import type { TestDatabase } from './support/test-database.js';

/**
 * The demo's login behind a trusted proxy (TRUST_PROXY=1: `X-Forwarded-For` names the client), with the module's
 * sign-in throttle at its defaults: 5 free failures per account, then 1, 2, 4 ... s; 20 failures per client address
 * per 15 minutes. The per-client request limit is set high enough never to answer here.
 */
const DEMO = { rateLimitPerMinute: 10_000, trustProxy: 1 };
const FREE_FAILURES = 5;
const CLIENT_FAILURES = 20;

const INVALID_CREDENTIALS = {
  status: 401,
  body: { message: 'Unauthorized', description: 'Invalid email or password', code: 'INVALID_CREDENTIALS' },
};
/** The same 429 body as the demo's per-client limit. */
const TOO_MANY = {
  status: 429,
  body: { message: 'Too many requests', description: 'Too many requests, try again later', code: 'TOO_MANY_REQUESTS' },
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One login attempt from `client`: status, body and Retry-After (a number, or null without the header). */
async function attempt(target: INestApplication, client: string, email: string, password: string) {
  const response = await request(target.getHttpServer())
    .post('/auth/login')
    .set('X-Forwarded-For', client)
    .send({ email, password });
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.status,
    body: response.status === 200 ? 'signed in' : response.body,
    retryAfter: retryAfter === undefined ? null : Number(retryAfter),
  };
}

describe.each(ADAPTERS)('sign-in throttle of the demo login over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ db, app } = opened), DEMO);

  /** A new demo account. */
  async function account(): Promise<{ email: string; password: string }> {
    const email = `t-${randomBytes(5).toString('hex')}@example.com`;
    const password = `pw-${randomBytes(5).toString('hex')}`;
    await app.get(DemoUsersService).upsertUser(email, password);
    return { email, password };
  }

  const tryAs = (client: string, email: string, password: string) => attempt(app, client, email, password);

  /** Fails an account's free attempts, each from its own address. */
  async function useFreeFailures(email: string, network: string): Promise<void> {
    for (let i = 1; i <= FREE_FAILURES; i++) {
      expect(await tryAs(`${network}.${i}`, email, 'wrong')).toEqual({ ...INVALID_CREDENTIALS, retryAfter: null });
    }
  }

  it('40 wrong passwords at once from 40 addresses: at most 5 are checked (401), the rest answer 429', async () => {
    const { email } = await account();
    // Sent together, so that no attempt can wait for an earlier one's failure to be counted.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => tryAs(`198.18.1.${i + 1}`, email, `wrong-${i}`)),
    );
    const checked = answers.filter((answer) => answer.status === 401);
    const refused = answers.filter((answer) => answer.status !== 401);
    // At most the free ones are checked. Racing each other, a free attempt's failure may start the back-off before
    // the last free slot is taken, so fewer can be: never more.
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.length).toBeLessThanOrEqual(FREE_FAILURES);
    expect(checked).toEqual(
      Array.from({ length: checked.length }, () => ({ ...INVALID_CREDENTIALS, retryAfter: null })),
    );
    expect(refused.map(({ status, body }) => ({ status, body }))).toEqual(
      Array.from({ length: 40 - checked.length }, () => TOO_MANY),
    );
    for (const { retryAfter } of refused) expect(retryAfter).toBeGreaterThanOrEqual(1);
    // One after the other, the next attempt is refused as well.
    expect({ ...(await tryAs('198.18.1.41', email, 'wrong-41')), retryAfter: undefined }).toEqual({
      ...TOO_MANY,
      retryAfter: undefined,
    });
  });

  it('in back-off the right password is refused too; after it, it signs in and the count starts again', async () => {
    const { email, password } = await account();
    await useFreeFailures(email, '198.18.2');
    const refused = await tryAs('198.18.2.100', email, password);
    expect({ ...refused, retryAfter: undefined }).toEqual({ ...TOO_MANY, retryAfter: undefined });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);

    await sleep(refused.retryAfter! * 1000 + 200);
    expect(await tryAs('198.18.2.101', email, password)).toEqual({ status: 200, body: 'signed in', retryAfter: null });
    // The success forgot the account's failures: it has its free attempts again.
    expect(await db.query('SELECT key FROM auth_sign_in_attempts WHERE key LIKE $1', [`%${sha256(email)}`])).toEqual(
      [],
    );
    await useFreeFailures(email, '198.18.3');
    expect((await tryAs('198.18.3.100', email, 'wrong')).status).toBe(429);
  });

  it('backs off longer with each further failure: Retry-After 1, 2, then 4 seconds', async () => {
    const { email } = await account();
    await useFreeFailures(email, '198.18.4');
    const waits = [];
    for (let round = 1; round <= 3; round++) {
      const refused = await tryAs(`198.18.4.${100 + round}`, email, 'wrong');
      expect({ status: refused.status, body: refused.body }).toEqual(TOO_MANY);
      waits.push(refused.retryAfter);
      await sleep(refused.retryAfter! * 1000 + 200);
      expect(await tryAs(`198.18.4.${200 + round}`, email, 'wrong')).toEqual({
        ...INVALID_CREDENTIALS,
        retryAfter: null,
      });
    }
    expect(waits).toEqual([1, 2, 4]);
  });

  it('one address failing at many accounts is refused after 20 failures; another address still signs in', async () => {
    const accounts = await Promise.all(Array.from({ length: 5 }, () => account()));
    // 4 failures at each of 5 accounts: no account reaches its back-off, the address reaches its cap.
    for (const { email } of accounts) {
      for (let i = 0; i < CLIENT_FAILURES / accounts.length; i++) {
        expect((await tryAs('203.0.113.50', email, 'wrong')).status).toBe(401);
      }
    }
    const refused = await tryAs('203.0.113.50', accounts[0].email, accounts[0].password);
    expect({ status: refused.status, body: refused.body }).toEqual(TOO_MANY);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    const fresh = await account();
    expect((await tryAs('203.0.113.50', fresh.email, fresh.password)).status).toBe(429);
    for (const { email, password } of accounts) {
      expect(await tryAs('203.0.113.51', email, password)).toEqual({
        status: 200,
        body: 'signed in',
        retryAfter: null,
      });
    }
  });

  it('two instances on one database share the counters: failures on A put the account in back-off on B', async () => {
    const { email, password } = await account();
    const other = await createTestApp(db.url, adapter, DEMO);
    try {
      await useFreeFailures(email, '198.18.5');
      const refused = await attempt(other, '198.18.5.100', email, password);
      expect({ status: refused.status, body: refused.body }).toEqual(TOO_MANY);
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
    }
  });

  it('keys an account by the SHA-256 of its lower-cased name, whatever the case: no email in the table', async () => {
    const email = `Mixed-${randomBytes(4).toString('hex')}@Example.com`;
    // The demo's login takes only a well-formed email, so spaces are the unit spec's (sign-in-backoff.spec.ts).
    const spellings = [email, email.toLowerCase(), email.toUpperCase(), email.replace('Mixed', 'mIXED'), email];
    for (const [i, spelling] of spellings.entries()) {
      expect((await tryAs(`198.18.6.${i + 1}`, spelling, 'wrong')).status).toBe(401);
    }
    expect((await tryAs('198.18.6.100', email, 'wrong')).status).toBe(429);
    const rows = await db.query<{ key: string; points: number }>(
      'SELECT key, points FROM auth_sign_in_attempts WHERE key LIKE $1 ORDER BY key',
      [`account%`],
    );
    const hash = sha256(email.toLowerCase());
    expect(rows.filter((row) => row.key.endsWith(hash))).toEqual([
      { key: `account-wait:${hash}`, points: expect.any(Number) },
      { key: `account:${hash}`, points: FREE_FAILURES },
    ]);
    const everything = JSON.stringify(await db.query('SELECT * FROM auth_sign_in_attempts'));
    expect(everything).not.toMatch(/@example\.com/i);
  });

  it('fails closed: with its table unreadable, even the right password answers 500 and opens no session', async () => {
    const { email, password } = await account();
    await db.query('ALTER TABLE auth_sign_in_attempts RENAME TO auth_sign_in_attempts_away');
    try {
      expect(await tryAs('198.18.7.1', email, password)).toEqual({
        status: 500,
        body: { statusCode: 500, message: 'Internal server error' },
        retryAfter: null,
      });
    } finally {
      await db.query('ALTER TABLE auth_sign_in_attempts_away RENAME TO auth_sign_in_attempts');
    }
    const sessions = await db.query(
      'SELECT s.id FROM auth_sessions s JOIN users u ON s.user_id = u.id::text WHERE u.email = $1',
      [email],
    );
    expect(sessions).toEqual([]);
    expect(await tryAs('198.18.7.2', email, password)).toEqual({ status: 200, body: 'signed in', retryAfter: null });
  });
});
