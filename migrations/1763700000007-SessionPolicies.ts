import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * Session policies: each session's own idle timeout (its lifetime profile is chosen at sign-in), and when its user last
 * proved their credentials. Rows from before have neither: no idle limit, and `authenticated_at` read as `created_at`
 * (no table rewrite on a large table).
 */
export class SessionPolicies1763700000007 implements MigrationInterface {
  name = 'SessionPolicies1763700000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      ALTER TABLE ${t.sessions}
        ADD COLUMN idle_timeout_seconds integer CONSTRAINT auth_sessions_idle_timeout_positive
          CHECK (idle_timeout_seconds > 0),
        ADD COLUMN authenticated_at timestamptz`);
    await queryRunner.query(`ALTER TABLE ${t.sessions} ALTER COLUMN authenticated_at SET DEFAULT now()`);
    // The clean-up finds sessions past their idle timeout among the live ones that have one.
    await queryRunner.query(
      `CREATE INDEX auth_sessions_idle_idx ON ${t.sessions} (last_used_at)
       WHERE revoked_at IS NULL AND idle_timeout_seconds IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_sessions_idle_idx`);
    await queryRunner.query(`ALTER TABLE ${t.sessions} DROP COLUMN authenticated_at, DROP COLUMN idle_timeout_seconds`);
  }
}
