import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { SessionCreatedEvent, SessionRefreshedEvent, SessionService, SessionsRevokedEvent } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { disableUser, newUser } from './support/users.js';

const anyDate = expect.any(Date);
const failing = () => {
  throw new Error('listener down');
};

describe.each(ADAPTERS)('audit events (%s)', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let events: Array<[string, unknown]>;
  // Strict rotation: a rotated token presented again at once is theft (the reuse interval is test/refresh-reuse's).
  useHost(
    adapter,
    (opened) => {
      ({ db, app } = opened);
      app.get(EventEmitter2).onAny((name, payload) => events.push([String(name), payload]));
    },
    { refreshReuseIntervalSeconds: 0 },
  );
  beforeEach(() => {
    events = [];
  });
  const http = () => request(app.getHttpServer());

  it('auth.session.created on sign-in, with the device and request facts', async () => {
    const user = await newUser(app);
    events = [];
    const session = await login(app, {
      email: user.email,
      password: user.password,
      deviceId: 'phone-1',
      userAgent: 'Safari/18',
    });
    expect(events).toEqual([
      [
        'auth.session.created',
        new SessionCreatedEvent(
          user.userId,
          session.sessionId,
          'phone-1',
          expect.stringMatching(/127\.0\.0\.1$/),
          'Safari/18',
          anyDate,
        ),
      ],
    ]);
    expect(events[0][1]).toBeInstanceOf(SessionCreatedEvent);
  });

  it(
    'auth.session.refreshed on a refresh; auth.session.revoked (refresh_token_reuse) ' +
      'when a rotated token comes back',
    async () => {
      const user = await newUser(app);
      events = [];
      await http().post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      expect(events).toEqual([
        ['auth.session.refreshed', new SessionRefreshedEvent(user.userId, user.sessionId, anyDate)],
      ]);
      events = [];
      await http().post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      expect(events).toEqual([
        [
          'auth.session.revoked',
          new SessionsRevokedEvent(user.userId, [user.sessionId], 'refresh_token_reuse', anyDate),
        ],
      ]);
    },
  );

  it('auth.session.revoked with the reason of each way a session ends', async () => {
    const user = await newUser(app, { deviceId: 'phone' });
    const onPhoneToo = await login(app, { email: user.email, password: user.password, deviceId: 'phone' });
    const laptop = await login(app, { email: user.email, password: user.password, deviceId: 'laptop' });
    const tablet = await login(app, { email: user.email, password: user.password, deviceId: 'tablet' });
    const spare = await login(app, { email: user.email, password: user.password });
    events = [];

    // /signout with X-DeviceId: this session (logout), then the rest of the device (device_signout).
    await http().post('/signout').set('Authorization', user.bearer).set('X-DeviceId', 'phone').expect(200);
    expect(events).toEqual([
      ['auth.session.revoked', new SessionsRevokedEvent(user.userId, [user.sessionId], 'logout', anyDate)],
      [
        'auth.session.revoked',
        new SessionsRevokedEvent(user.userId, [onPhoneToo.sessionId], 'device_signout', anyDate),
      ],
    ]);
    events = [];
    await http().delete(`/auth/sessions/${tablet.sessionId}`).set('Authorization', laptop.bearer).expect(200);
    expect(events).toEqual([
      ['auth.session.revoked', new SessionsRevokedEvent(user.userId, [tablet.sessionId], 'session_revoked', anyDate)],
    ]);
    events = [];
    await http().post('/auth/logout/others').set('Authorization', laptop.bearer).expect(200);
    expect(events).toEqual([
      ['auth.session.revoked', new SessionsRevokedEvent(user.userId, [spare.sessionId], 'logout_others', anyDate)],
    ]);
    events = [];
    await http().post('/auth/logout/all').set('Authorization', laptop.bearer).expect(200);
    expect(events).toEqual([
      ['auth.session.revoked', new SessionsRevokedEvent(user.userId, [laptop.sessionId], 'logout_all', anyDate)],
    ]);
    events = [];
    // A logout that changes nothing emits nothing.
    await http().post('/auth/logout').set('Authorization', laptop.bearer).expect(401);
    expect(events).toEqual([]);
  });

  it(
    'auth.session.revoked (user_disabled) for every session of an account found disabled, ' +
      'and (admin) from the service',
    async () => {
      const user = await newUser(app);
      const other = await login(app, { email: user.email, password: user.password });
      const admin = await newUser(app);
      events = [];
      await app.get(SessionService).revokeUserSessions(admin.userId, 'admin');
      expect(events).toEqual([
        ['auth.session.revoked', new SessionsRevokedEvent(admin.userId, [admin.sessionId], 'admin', anyDate)],
      ]);
      events = [];
      await disableUser(app, db, user.userId);
      await http().get('/auth/me').set('Authorization', user.bearer).expect(403);
      expect(events).toHaveLength(1);
      const [name, payload] = events[0] as [string, SessionsRevokedEvent];
      expect({
        name,
        userId: payload.userId,
        sessionIds: [...payload.sessionIds].toSorted(),
        reason: payload.reason,
      }).toEqual({
        name: 'auth.session.revoked',
        userId: user.userId,
        sessionIds: [user.sessionId, other.sessionId].toSorted(),
        reason: 'user_disabled',
      });
    },
  );

  it('a listener that throws never turns a committed logout into an error', async () => {
    const user = await newUser(app);
    const emitter = app.get(EventEmitter2);
    emitter.on('auth.session.revoked', failing);
    try {
      expect((await http().post('/auth/logout').set('Authorization', user.bearer).expect(200)).body).toEqual({
        message: 'Logged out successfully',
      });
    } finally {
      emitter.off('auth.session.revoked', failing);
    }
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'logout' },
    ]);
  });
});
