import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Subject } from 'rxjs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RevocationStream,
  RevocationStreamInterruptedError,
  SessionService,
  authMigrations,
  type RevocationEvent,
} from '../src/auth/index.js';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { REVOCATION_CHANNEL, RevocationCache, encodeRevocation } from './support/internals.js';
import { unstamped } from './support/revocation-payloads.js';
import { login, type LoggedIn } from './support/session-client.js';
import {
  endsWithin,
  listeningBase,
  openEventStream,
  type EventStream,
  type RefusedStream,
} from './support/sse-client.js';
import { createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { within } from './support/within.js';

/** The bound: a stream on another instance closes this soon after the logout's answer. */
const CLOSE_BOUND_MS = 2000;
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

const isOpen = (stream: EventStream | RefusedStream): stream is EventStream => 'events' in stream;

/**
 * The demo's `GET /auth/sessions/events` on two instances of one database: a stream opened on B hears what A, or plain
 * SQL, revokes, and closes when its own session ends.
 */
describe.each(ADAPTERS)('the session event stream over %s', (adapter) => {
  let db: TestDatabase;
  let a: INestApplication;
  let b: INestApplication;
  let bBase: string;
  const open: EventStream[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    [a, b] = await Promise.all([createTestApp(db.url, adapter), createTestApp(db.url, adapter)]);
    bBase = await listeningBase(b);
    for (const app of [a, b]) await within(5000, () => (app.get(RevocationCache).listening ? true : undefined));
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await Promise.all([a, b].map((app) => app?.close()));
    await db?.drop();
  });

  /** A new demo account, signed in on A. */
  const signIn = async (email = `u-${randomBytes(5).toString('hex')}@example.com`): Promise<LoggedIn> => {
    await a.get(DemoUsersService).upsertUser(email, 'a-password');
    return login(a, { email, password: 'a-password' });
  };
  const streamOnB = async (user: LoggedIn): Promise<EventStream> => {
    const stream = await openEventStream(`${bBase}/auth/sessions/events`, user.bearer);
    if (!isOpen(stream)) throw new Error(`no stream: ${stream.status} ${JSON.stringify(stream.body)}`);
    open.push(stream);
    return stream;
  };

  it('a logout on A: the stream on B gets its session event and closes within 2 s', async () => {
    const user = await signIn();
    const stream = await streamOnB(user);
    expect(stream.status).toBe(200);
    const logout = await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
    expect({ status: logout.status, body: logout.body }).toEqual({
      status: 200,
      body: { message: 'Logged out successfully' },
    });
    expect(await endsWithin(stream, CLOSE_BOUND_MS)).toBe(true);
    expect(stream.events).toEqual([
      { data: { sessionId: user.sessionId, userId: user.userId, reason: 'logout', current: true } },
    ]);
  });

  it("plain SQL revocations arrive; another user's never reach the stream", async () => {
    const email = `u-${randomBytes(5).toString('hex')}@example.com`;
    const user = await signIn(email);
    const otherDevice = await login(a, { email, password: 'a-password' });
    const stranger = await signIn();
    const stream = await streamOnB(user);

    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
      otherDevice.sessionId,
    ]);
    await request(a.getHttpServer()).post('/auth/logout').set('Authorization', stranger.bearer).expect(200);
    // Notifications arrive in commit order: were the stranger's logout sent to this stream, it would come before this.
    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
      user.sessionId,
    ]);
    expect(await endsWithin(stream, CLOSE_BOUND_MS)).toBe(true);
    expect(stream.events).toEqual([
      { data: { sessionId: otherDevice.sessionId, userId: user.userId, reason: 'admin', current: false } },
      { data: { sessionId: user.sessionId, userId: user.userId, reason: 'admin', current: true } },
    ]);
  });

  it('logout everywhere of 150 sessions on A is one event for the user, and ends the stream', async () => {
    const user = await signIn();
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT $1, now() + interval '1 day' FROM generate_series(1, 149)`,
      [user.userId],
    );
    const stream = await streamOnB(user);
    const answer = await request(a.getHttpServer()).post('/auth/logout/all').set('Authorization', user.bearer);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { message: 'Logged out of all sessions', revokedSessions: 150 },
    });
    expect(await endsWithin(stream, CLOSE_BOUND_MS)).toBe(true);
    expect(stream.events).toEqual([{ data: { userId: user.userId, reason: 'logout_all', current: true } }]);
  });

  it('logout of the others ending 150 sessions: one event for the user that spares this session', async () => {
    const user = await signIn();
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT $1, now() + interval '1 day' FROM generate_series(1, 150)`,
      [user.userId],
    );
    const stream = await streamOnB(user);
    const others = await request(a.getHttpServer()).post('/auth/logout/others').set('Authorization', user.bearer);
    expect({ status: others.status, body: others.body }).toEqual({
      status: 200,
      body: { message: 'Logged out of all other sessions', revokedSessions: 150 },
    });
    // The stream goes on: had it ended at the user's event, this logout's event would not be in it.
    await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
    expect(await endsWithin(stream, CLOSE_BOUND_MS)).toBe(true);
    expect(stream.events).toEqual([
      { data: { userId: user.userId, reason: 'logout_others', current: false } },
      { data: { sessionId: user.sessionId, userId: user.userId, reason: 'logout', current: true } },
    ]);
  });

  it('a token logged out on A opens no stream on B: the 401 body', async () => {
    const user = await signIn();
    await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
    const refused = await openEventStream(`${bBase}/auth/sessions/events`, user.bearer);
    expect({ status: refused.status, body: isOpen(refused) ? refused.events : refused.body }).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
  });

  it('without a token: the 401 body, no stream', async () => {
    const refused = await openEventStream(`${bBase}/auth/sessions/events`);
    expect({ status: refused.status, body: isOpen(refused) ? refused.events : refused.body }).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
  });

  it('the instance shutting down ends its streams with an interrupted event', async () => {
    const c = await createTestApp(db.url, adapter);
    const cBase = await listeningBase(c);
    const user = await signIn();
    const stream = await openEventStream(`${cBase}/auth/sessions/events`, user.bearer);
    if (!isOpen(stream)) throw new Error('no stream');
    open.push(stream);
    await c.close();
    expect(await endsWithin(stream, CLOSE_BOUND_MS)).toBe(true);
    expect(stream.events).toEqual([{ type: 'interrupted', data: { code: 'STREAM_INTERRUPTED' } }]);
  });
});

/** The database and this process read the same machine's clock; milliseconds are floored on one side. */
const CLOCK_SLACK_MS = 5;

/** Every payload on the revocation channel while `act` runs, and until a marker sent after it is back. */
async function payloadsOf(db: TestDatabase, act: () => Promise<unknown>): Promise<string[]> {
  const heard: string[] = [];
  const listener = new pg.Client(db.url);
  await listener.connect();
  listener.on('notification', (message) => heard.push(message.payload ?? ''));
  await listener.query(`LISTEN ${REVOCATION_CHANNEL}`);
  try {
    await act();
    await db.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, 'p:end']);
    await within(2000, () => (heard.includes('p:end') ? true : undefined), 5);
    return heard.filter((payload) => payload !== 'p:end');
  } finally {
    await listener.end();
  }
}

describe('the revocation trigger says whose session ended and why', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const insertSessions = async (userId: string, count: number, expires = "now() + interval '1 day'") =>
    (
      await db.query<{ id: string }>(
        `INSERT INTO auth_sessions (user_id, expires_at)
         SELECT $1, ${expires} FROM generate_series(1, $2) RETURNING id`,
        [userId, count],
      )
    ).map((row) => row.id);

  it('per session: the reason written, expired for an expiry moved to the past, deleted for a live row', async () => {
    const [revoked, expiring, deleted] = await insertSessions('user "1"', 3);
    expect(
      await payloadsOf(db, async () => {
        await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [revoked]);
        await db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring]);
        await db.query('DELETE FROM auth_sessions WHERE id = $1', [deleted]);
      }).then((payloads) => payloads.map(unstamped)),
    ).toEqual([
      encodeRevocation({ kind: 'session', sessionId: revoked, userId: 'user "1"', reason: 'admin' }),
      encodeRevocation({ kind: 'session', sessionId: expiring, userId: 'user "1"', reason: 'expired' }),
      encodeRevocation({ kind: 'session', sessionId: deleted, userId: 'user "1"', reason: 'deleted' }),
    ]);
  });

  it('past 100 sessions in a statement: one payload per user and reason', async () => {
    await insertSessions('many', 101);
    expect(
      await payloadsOf(db, () =>
        db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'logout_all' WHERE user_id = 'many'`),
      ).then((payloads) => payloads.map(unstamped)),
    ).toEqual([encodeRevocation({ kind: 'user', userId: 'many', reason: 'logout_all' })]);
  });

  it('a payload that would not fit 8000 bytes goes as the session id alone, per session', async () => {
    const longId = 'L'.repeat(8000);
    const [one] = await insertSessions(longId, 1);
    const many = await insertSessions(`${longId}2`, 101);
    expect(
      await payloadsOf(db, () =>
        db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [one]),
      ).then((payloads) => payloads.map(unstamped)),
    ).toEqual([`s:${one}`]);
    expect(
      (
        await payloadsOf(db, () =>
          db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE user_id = $1`, [
            `${longId}2`,
          ]),
        )
      )
        .map(unstamped)
        .toSorted(),
    ).toEqual(many.map((id) => `s:${id}`).toSorted());
  });

  it('stamps each payload with the time its statement ended; RevocationNotifyCommitTime down drops it', async () => {
    const [first, second, third] = await insertSessions('user-t', 3);
    const revoke = (id: string) =>
      payloadsOf(db, () =>
        db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [id]),
      );
    const before = Date.now();
    const [stamped] = await revoke(first);
    const after = Date.now();
    const stampMs = Number(/^t:(\d+);/.exec(stamped)?.[1]);
    expect(stampMs).toBeGreaterThanOrEqual(before - CLOCK_SLACK_MS);
    expect(stampMs).toBeLessThanOrEqual(after + CLOCK_SLACK_MS);
    expect(stamped).toBe(
      `t:${stampMs};${encodeRevocation({ kind: 'session', sessionId: first, userId: 'user-t', reason: 'admin' })}`,
    );
    const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const runner = dataSource.createQueryRunner();
    const CommitTime = authMigrations.find((m) => m.name === 'RevocationNotifyCommitTime1763700000011')!;
    try {
      await new CommitTime().down(runner);
      expect(await revoke(second)).toEqual([
        encodeRevocation({ kind: 'session', sessionId: second, userId: 'user-t', reason: 'admin' }),
      ]);
      await new CommitTime().up(runner);
      expect((await revoke(third)).map(unstamped)).toEqual([
        encodeRevocation({ kind: 'session', sessionId: third, userId: 'user-t', reason: 'admin' }),
      ]);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });

  it('down restores the payloads without details (still read), up brings the details back', async () => {
    const [one] = await insertSessions('user-d', 1);
    await insertSessions('many-d', 101);
    const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    const runner = dataSource.createQueryRunner();
    const Details = authMigrations.find((m) => m.name === 'RevocationNotifyDetails1763700000008')!;
    const migration = new Details();
    try {
      await migration.down(runner);
      expect(
        await payloadsOf(db, async () => {
          await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [one]);
          await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'x' WHERE user_id = 'many-d'`);
        }),
      ).toEqual([`s:${one}`, 'u:many-d']);
      await migration.up(runner);
      const [two] = await insertSessions('user-d', 1);
      expect(
        await payloadsOf(db, () =>
          db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [two]),
        ),
      ).toEqual([encodeRevocation({ kind: 'session', sessionId: two, userId: 'user-d', reason: 'admin' })]);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
  });
});

describe.each(ADAPTERS)('RevocationStream of a strict instance over %s', (adapter) => {
  let db: TestDatabase;
  let cached: INestApplication;
  let strict: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    [cached, strict] = await Promise.all([
      createHost(adapter, db.url),
      createHost(adapter, db.url, { revocation: { mode: 'strict' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([cached, strict].map((app) => app?.close()));
    await db?.drop();
  });

  const listenerCount = async () =>
    (
      await db.query(
        `SELECT 1 FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'nest-signout-revocations'`,
      )
    ).length;

  it('listens from the first subscription on, caches nothing, and hears a logout of the other instance', async () => {
    expect(await listenerCount()).toBe(1);
    const user = await newUser(cached);
    const heard: RevocationEvent[] = [];
    const subscription = strict
      .get(RevocationStream)
      .revocations()
      .subscribe((event) => heard.push(event));
    try {
      expect(await within(5000, async () => ((await listenerCount()) === 2 ? true : undefined))).toBe(true);
      await request(strict.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(200);
      expect(strict.get(RevocationCache).size).toBe(0);
      await request(cached.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
      await within(2000, () => (heard.length > 0 ? true : undefined));
      expect(heard).toEqual([{ sessionId: user.sessionId, userId: user.userId, reason: 'logout' }]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('a notification without details (a user id too long for one) is completed from the row', async () => {
    const longId = 'L'.repeat(8000);
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO auth_sessions (user_id, expires_at) VALUES ($1, now() + interval '1 day') RETURNING id`,
      [longId],
    );
    const ended = strict.get(RevocationStream).untilSessionEnds({ sessionId: id, userId: longId });
    const event = new Promise<RevocationEvent>((resolve, reject) => ended.subscribe({ next: resolve, error: reject }));
    await strict.get(RevocationCache).openForStream();
    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [id]);
    expect(await event).toEqual({ sessionId: id, userId: longId, reason: 'admin' });
  });

  it("the clean-up's expiry of a session arrives as reason expired", async () => {
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO auth_sessions (user_id, expires_at) VALUES ('expiring', now() - interval '1 second') RETURNING id`,
    );
    const heard: RevocationEvent[] = [];
    const subscription = strict
      .get(RevocationStream)
      .revocations()
      .subscribe((event) => heard.push(event));
    try {
      await strict.get(RevocationCache).openForStream();
      expect(await strict.get(SessionService).deleteExpiredSessions()).toEqual({
        expiredSessions: 1,
        idleSessions: 0,
        deletedSessions: 0,
        deletedDevices: 0,
      });
      await within(2000, () => (heard.length > 0 ? true : undefined));
      expect(heard).toEqual([{ sessionId: id, userId: 'expiring', reason: 'expired' }]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('untilSessionEnds of a session that had already ended emits at once, from the row', async () => {
    const user = await newUser(cached);
    await request(cached.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
    const ended = strict.get(RevocationStream).untilSessionEnds({ sessionId: user.sessionId, userId: user.userId });
    expect(await new Promise((resolve, reject) => ended.subscribe({ next: resolve, error: reject }))).toEqual({
      sessionId: user.sessionId,
      userId: user.userId,
      reason: 'logout',
    });
  });

  it('losing the listener interrupts every subscriber; closeWhenRevoked completes its source', async () => {
    const stream = strict.get(RevocationStream);
    const user = await newUser(cached);
    const errors: unknown[] = [];
    const revocations = stream.revocations().subscribe({ error: (error) => errors.push(error) });
    let completed = false;
    new Subject<number>().pipe(stream.closeWhenRevoked(user)).subscribe({ complete: () => (completed = true) });
    await strict.get(RevocationCache).openForStream();
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'nest-signout-revocations'`,
    );
    expect(await within(3000, () => (errors.length > 0 && completed ? true : undefined))).toBe(true);
    expect(errors).toEqual([new RevocationStreamInterruptedError('lost the listening connection')]);
    revocations.unsubscribe();
  });
});
