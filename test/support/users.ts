import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { HostAccounts } from '../apps/host-accounts.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from './constants.js';
import { RevocationCache } from './internals.js';
import { login, type LoggedIn } from './session-client.js';
import type { TestDatabase } from './test-database.js';

/** A new account of the test host, signed in once (with a device when given). */
export async function newUser(
  app: INestApplication,
  device: { deviceId?: string; pushToken?: string } = {},
): Promise<LoggedIn & { email: string; password: string }> {
  const email = `u-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(5).toString('hex')}`;
  await app.get(HostAccounts).upsert(email, password);
  return { ...(await login(app, { email, password, ...device })), email, password };
}

/** An account of the test host with the given credentials; returns its id. */
export const addAccount = (app: INestApplication, email: string, password: string): Promise<string> =>
  app.get(HostAccounts).upsert(email, password);

/** The account `login(app)` signs in with when given none, as the demo seeds it. */
export const addDemoAccount = (app: INestApplication): Promise<string> => addAccount(app, DEMO_EMAIL, DEMO_PASSWORD);

/**
 * Disables (or deletes) an account in the host's own table, as a host does that does not call
 * SessionService.revokeUserSessions: nothing tells the module, so a cached session is trusted until its
 * entry ages out (revocation.maxEntryAgeMs). The helper lets that time pass by emptying the cache.
 */
export async function disableUser(app: INestApplication, db: TestDatabase, userId: string): Promise<void> {
  await db.query('UPDATE host_accounts SET disabled = true WHERE id = $1', [userId]);
  app.get(RevocationCache).clear();
}
export async function deleteUser(app: INestApplication, db: TestDatabase, userId: string): Promise<void> {
  await db.query('DELETE FROM host_accounts WHERE id = $1', [userId]);
  app.get(RevocationCache).clear();
}

/** After changing session rows with SQL: waits until the app has heard every revocation committed so far. */
export const settled = (app: INestApplication) => app.get(RevocationCache).sync();

/** Everything the module stores, to compare before and after a request that must change nothing. */
export const authState = (db: TestDatabase) =>
  Promise.all([
    db.query(
      `SELECT id, user_id, device_id, revoked_at, revoke_reason, expires_at, last_used_at
       FROM auth_sessions ORDER BY id`,
    ),
    db.query('SELECT id, user_id, external_id, name, push_token, revoked_at FROM auth_devices ORDER BY id'),
  ]);

/** Makes every write to auth_sessions fail inside PostgreSQL until the returned function is called. */
export async function breakSessionWrites(db: TestDatabase): Promise<() => Promise<void>> {
  await db.query(`CREATE OR REPLACE FUNCTION test_fail_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'simulated failure: relation secret_internal_detail'; END $$`);
  await db.query(
    'CREATE TRIGGER test_fail_write BEFORE UPDATE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION test_fail_write()',
  );
  return async () => {
    await db.query('DROP TRIGGER test_fail_write ON auth_sessions');
  };
}

/**
 * Makes every `event` on `table` fail inside PostgreSQL with an error that quotes the row, as PostgreSQL's own
 * errors quote values (`invalid input syntax for type inet: "..."`), until the returned function is called.
 */
export async function breakWritesQuotingTheRow(
  db: TestDatabase,
  table: 'auth_sessions' | 'auth_refresh_tokens',
  event: 'INSERT' | 'UPDATE',
): Promise<() => Promise<void>> {
  await db.query(`CREATE OR REPLACE FUNCTION test_fail_quoting_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'simulated failure of the row %', NEW; END $$`);
  await db.query(
    `CREATE TRIGGER test_fail_quoting_row BEFORE ${event} ON ${table}
     FOR EACH ROW EXECUTE FUNCTION test_fail_quoting_row()`,
  );
  return async () => {
    await db.query(`DROP TRIGGER test_fail_quoting_row ON ${table}`);
  };
}
