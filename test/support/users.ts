import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DemoUsersService } from '../../src/demo/users/demo-users.service.js';
import { login, type LoggedIn } from './session-client.js';
import type { TestDatabase } from './test-database.js';

/** A new demo user, signed in once (with a device when given). */
export async function newUser(app: INestApplication, device: { deviceId?: string; pushToken?: string } = {}): Promise<LoggedIn & { email: string; password: string }> {
  const email = `u-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(5).toString('hex')}`;
  await app.get(DemoUsersService).upsertUser(email, password);
  return { ...(await login(app, { email, password, ...device })), email, password };
}

export const disableUser = (db: TestDatabase, userId: string) => db.query('UPDATE users SET disabled = true WHERE id = $1', [userId]);
export const deleteUser = (db: TestDatabase, userId: string) => db.query('DELETE FROM users WHERE id = $1', [userId]);

/** Everything the module stores, to compare before and after a request that must change nothing. */
export const authState = (db: TestDatabase) =>
  Promise.all([
    db.query('SELECT id, user_id, device_id, revoked_at, revoke_reason, expires_at, last_used_at FROM auth_sessions ORDER BY id'),
    db.query('SELECT id, user_id, external_id, name, push_token, revoked_at FROM auth_devices ORDER BY id'),
  ]);

/** Makes every write to auth_sessions fail inside PostgreSQL until the returned function is called. */
export async function breakSessionWrites(db: TestDatabase): Promise<() => Promise<void>> {
  await db.query(`CREATE OR REPLACE FUNCTION test_fail_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'simulated failure: relation secret_internal_detail'; END $$`);
  await db.query('CREATE TRIGGER test_fail_write BEFORE UPDATE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION test_fail_write()');
  return async () => {
    await db.query('DROP TRIGGER test_fail_write ON auth_sessions');
  };
}
