import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * The module's own tables: devices and sessions. User ids are the host's, so there is no foreign key to a users table.
 */
export class CreateAuthTables1763700000000 implements MigrationInterface {
  name = 'CreateAuthTables1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      CREATE TABLE ${t.devices} (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        external_id text NOT NULL,
        name text,
        push_token text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT auth_devices_user_external_uq UNIQUE (user_id, external_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t.sessions} (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        device_id uuid REFERENCES ${t.devices} (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoke_reason text,
        ip inet,
        user_agent text,
        CONSTRAINT auth_sessions_revoked_has_reason CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
      )`);
    // Logout-everywhere and session lists look up a user's active sessions.
    await queryRunner.query(
      `CREATE INDEX auth_sessions_user_active_idx ON ${t.sessions} (user_id) WHERE revoked_at IS NULL`,
    );
    // A device logout revokes that device's sessions.
    await queryRunner.query(
      `CREATE INDEX auth_sessions_device_idx ON ${t.sessions} (device_id) WHERE device_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TABLE ${t.sessions}`);
    await queryRunner.query(`DROP TABLE ${t.devices}`);
  }
}
