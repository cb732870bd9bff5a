import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authMigrations } from '../src/auth/index.js';
import { demoMigrations } from '../src/demo/demo-migrations.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const tables = async () =>
    (
      await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      )
    ).map((r) => r.table_name);

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: demoMigrations }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('exports the module migrations in order, before the demo ones', () => {
    expect(authMigrations.map((m) => m.name)).toEqual([
      'CreateAuthTables1763700000000',
      'CreateRefreshTokens1763700000002',
      'SessionCleanupIndexes1763700000003',
      'RevocationNotify1763700000004',
      'ClearEndedDevicePushTokens1763700000005',
      'CreateSignInAttempts1763700000006',
      'SessionPolicies1763700000007',
      'RevocationNotifyDetails1763700000008',
      'SessionIdentityProvider1763700000009',
      'SessionIdTokenHint1763700000010',
      'RevocationNotifyCommitTime1763700000011',
    ]);
    expect(demoMigrations.map((m) => m.name)).toEqual([
      'CreateAuthTables1763700000000',
      'CreateRefreshTokens1763700000002',
      'SessionCleanupIndexes1763700000003',
      'RevocationNotify1763700000004',
      'ClearEndedDevicePushTokens1763700000005',
      'CreateSignInAttempts1763700000006',
      'SessionPolicies1763700000007',
      'RevocationNotifyDetails1763700000008',
      'SessionIdentityProvider1763700000009',
      'SessionIdTokenHint1763700000010',
      'RevocationNotifyCommitTime1763700000011',
      'CreateDemoUsers1763700000001',
    ]);
  });

  it('migrates up with constraints and indexes, and all the way down again', async () => {
    await dataSource.runMigrations();
    expect(await tables()).toEqual([
      'auth_devices',
      'auth_logout_tokens',
      'auth_refresh_tokens',
      'auth_sessions',
      'auth_sign_in_attempts',
      'migrations',
      'users',
    ]);
    const indexes = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename LIKE 'auth_%' ORDER BY 1`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      'auth_devices_pkey',
      'auth_devices_revoked_idx',
      'auth_devices_user_external_uq',
      'auth_logout_tokens_expires_idx',
      'auth_logout_tokens_pkey',
      'auth_refresh_tokens_pkey',
      'auth_refresh_tokens_session_idx',
      'auth_sessions_device_idx',
      'auth_sessions_expires_idx',
      'auth_sessions_idle_idx',
      'auth_sessions_idp_sid_idx',
      'auth_sessions_idp_subject_idx',
      'auth_sessions_pkey',
      'auth_sessions_revoked_idx',
      'auth_sessions_user_active_idx',
      'auth_sign_in_attempts_expire_idx',
      'auth_sign_in_attempts_pkey',
    ]);
    // A revoked row always says why.
    await expect(
      db.query(`INSERT INTO auth_sessions (user_id, expires_at, revoked_at) VALUES ('u', now(), now())`),
    ).rejects.toThrow(/auth_sessions_revoked_has_reason/);
    // An idle timeout is a positive number of seconds, or none.
    await expect(
      db.query(`INSERT INTO auth_sessions (user_id, expires_at, idle_timeout_seconds) VALUES ('u', now(), 0)`),
    ).rejects.toThrow(/auth_sessions_idle_timeout_positive/);
    // A session of an identity provider names the user there; a provider's session id alone names no one.
    await expect(
      db.query(`INSERT INTO auth_sessions (user_id, expires_at, idp_issuer, idp_sid) VALUES ('u', now(), 'i', 's')`),
    ).rejects.toThrow(/auth_sessions_identity_provider_complete/);
    // An ID token hint belongs to a provider's session.
    await expect(
      db.query(`INSERT INTO auth_sessions (user_id, expires_at, idp_id_token) VALUES ('u', now(), 'e.y.j')`),
    ).rejects.toThrow(/auth_sessions_idp_id_token_has_issuer/);

    for (let i = 0; i < demoMigrations.length; i++) await dataSource.undoLastMigration();
    expect(await tables()).toEqual(['migrations']);
  });
});
