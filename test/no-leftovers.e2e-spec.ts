import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SessionService } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login, type LoggedIn } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { disableUser, newUser } from './support/users.js';

type User = Awaited<ReturnType<typeof newUser>>;

const PHONE = { external_id: 'phone', push_token: 'push-phone', revoked: false };
const TABLET = { external_id: 'tablet', push_token: 'push-tablet', revoked: false };
const silent = <T extends { external_id: string; revoked: boolean }>(device: T) => ({ ...device, push_token: null });
const signedOut = <T extends { external_id: string }>(device: T) => ({ ...device, push_token: null, revoked: true });

/** Issue 13: a signed-out phone keeps no push token, whichever way its last session ended. */
describe.each(ADAPTERS)('no push token outlives a sign-out over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  // Strict rotation: a rotated token presented again at once is theft (the reuse interval is test/refresh-reuse's).
  useHost(adapter, (opened) => ({ db, app } = opened), { refreshReuseIntervalSeconds: 0 });
  const http = () => request(app.getHttpServer());
  const devices = (userId: string) =>
    db.query(
      `SELECT external_id, push_token, revoked_at IS NOT NULL AS revoked FROM auth_devices
       WHERE user_id = $1 ORDER BY external_id`,
      [userId],
    );

  /** A user signed in on a phone and a tablet, each with its push token. */
  async function phoneAndTablet(): Promise<{ phone: User; tablet: LoggedIn; userId: string }> {
    const phone = await newUser(app, { deviceId: 'phone', pushToken: 'push-phone' });
    const tablet = await login(app, {
      email: phone.email,
      password: phone.password,
      deviceId: 'tablet',
      pushToken: 'push-tablet',
    });
    expect(await devices(phone.userId)).toEqual([PHONE, TABLET]);
    return { phone, tablet, userId: phone.userId };
  }

  it.each(ROUTE_SPECS)('$path: the device of the last session loses its push token, the other keeps it', async (r) => {
    const { phone, userId } = await phoneAndTablet();
    await http().post(r.path).set('Authorization', phone.bearer).expect(200);
    expect(await devices(userId)).toEqual([silent(PHONE), TABLET]);
  });

  it('a device keeps its push token while another of its sessions is live, and loses it with the last', async () => {
    const { phone, userId } = await phoneAndTablet();
    const phoneAgain = await login(app, { email: phone.email, password: phone.password, deviceId: 'phone' });
    await http().post('/auth/logout').set('Authorization', phone.bearer).expect(200);
    expect(await devices(userId)).toEqual([PHONE, TABLET]);
    await http().post('/auth/logout').set('Authorization', phoneAgain.bearer).expect(200);
    expect(await devices(userId)).toEqual([silent(PHONE), TABLET]);
  });

  it('two sessions of one device ended at once: the token goes (neither leaves it to the other)', async () => {
    for (let round = 0; round < 5; round++) {
      const { phone, tablet, userId } = await phoneAndTablet();
      const phoneAgain = await login(app, { email: phone.email, password: phone.password, deviceId: 'phone' });
      await Promise.all([
        http().post('/auth/logout').set('Authorization', phone.bearer).expect(200),
        http().post('/auth/logout').set('Authorization', phoneAgain.bearer).expect(200),
      ]);
      expect(await devices(userId)).toEqual([silent(PHONE), TABLET]);
      await http().post('/auth/logout').set('Authorization', tablet.bearer).expect(200);
    }
  });

  it('/signout with X-DeviceId: the device signed out loses its push token', async () => {
    const { phone, userId } = await phoneAndTablet();
    await http().post('/signout').set('Authorization', phone.bearer).set('X-DeviceId', 'tablet').expect(200);
    expect(await devices(userId)).toEqual([silent(PHONE), signedOut(TABLET)]);
  });

  it('signing out a device none of whose sessions is live still clears its push token', async () => {
    const { phone, tablet, userId } = await phoneAndTablet();
    await http().post('/auth/logout').set('Authorization', tablet.bearer).expect(200);
    // A token put back by hand (or left by an older version) on a device with no live session.
    await db.query(`UPDATE auth_devices SET push_token = 'push-tablet' WHERE user_id = $1 AND external_id = 'tablet'`, [
      userId,
    ]);
    await http().post('/signout').set('Authorization', phone.bearer).set('X-DeviceId', 'tablet').expect(200);
    expect(await devices(userId)).toEqual([silent(PHONE), signedOut(TABLET)]);
  });

  it('logout/all: every device is signed out and loses its push token', async () => {
    const { tablet, userId } = await phoneAndTablet();
    await http().post('/auth/logout/all').set('Authorization', tablet.bearer).expect(200);
    expect(await devices(userId)).toEqual([signedOut(PHONE), signedOut(TABLET)]);
  });

  it('logout/others: the other devices lose their push tokens, this one keeps its own', async () => {
    const { tablet, userId } = await phoneAndTablet();
    await http().post('/auth/logout/others').set('Authorization', tablet.bearer).expect(200);
    expect(await devices(userId)).toEqual([silent(PHONE), TABLET]);
  });

  it('DELETE /auth/sessions/:id: the device of the session deleted loses its push token', async () => {
    const { phone, tablet, userId } = await phoneAndTablet();
    await http().delete(`/auth/sessions/${tablet.sessionId}`).set('Authorization', phone.bearer).expect(200);
    expect(await devices(userId)).toEqual([PHONE, silent(TABLET)]);
  });

  it('a reused refresh token ends its session, and the device loses its push token', async () => {
    const { tablet, userId } = await phoneAndTablet();
    await http().post('/auth/refresh').send({ refreshToken: tablet.refreshToken }).expect(200);
    await http().post('/auth/refresh').send({ refreshToken: tablet.refreshToken }).expect(401);
    expect(await devices(userId)).toEqual([PHONE, silent(TABLET)]);
  });

  it('an account that ends: every device is signed out and loses its push token', async () => {
    const { phone, userId } = await phoneAndTablet();
    await disableUser(app, db, userId);
    await http().get('/auth/me').set('Authorization', phone.bearer).expect(403);
    expect(await devices(userId)).toEqual([signedOut(PHONE), signedOut(TABLET)]);
  });

  it('10,000 sessions on 1,000 devices ended by one statement: one statement, fast, no token left', async () => {
    const userId = `bulk-${adapter}`;
    await db.query(
      `INSERT INTO auth_devices (user_id, external_id, push_token)
       SELECT $1, 'device-' || i, 'push-' || i FROM generate_series(1, 1000) i`,
      [userId],
    );
    await db.query(
      `INSERT INTO auth_sessions (user_id, device_id, expires_at)
       SELECT d.user_id, d.id, now() + interval '1 day' FROM auth_devices d, generate_series(1, 10) n
       WHERE d.user_id = $1`,
      [userId],
    );
    const [kept] = await db.query<{ id: string }>(
      `SELECT s.id FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id
       WHERE d.user_id = $1 AND d.external_id = 'device-1' LIMIT 1`,
      [userId],
    );
    const started = Date.now();
    const revoked = await app.get(SessionService).revokeUserSessions(userId, 'logout_others', { except: kept.id });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(revoked).toHaveLength(9999);
    expect(
      await db.query(`SELECT external_id, push_token FROM auth_devices WHERE user_id = $1 AND push_token IS NOT NULL`, [
        userId,
      ]),
    ).toEqual([{ external_id: 'device-1', push_token: 'push-1' }]);
  });

  // Last: the job's clock, a year ahead, ends every session of this database.
  it('the clean-up job marking sessions expired: their devices lose their push tokens', async () => {
    const { userId } = await phoneAndTablet();
    const yearAhead = new Date(Date.now() + 400 * 24 * 3600 * 1000);
    await app.get(SessionService).deleteExpiredSessions(yearAhead);
    expect(await devices(userId)).toEqual([silent(PHONE), silent(TABLET)]);
  });
});
