import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/** Refresh tokens, stored only as SHA-256 hashes, each bound to its session. */
export class CreateRefreshTokens1763700000002 implements MigrationInterface {
  name = 'CreateRefreshTokens1763700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      CREATE TABLE ${t.refreshTokens} (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES ${t.sessions} (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX auth_refresh_tokens_session_idx ON ${t.refreshTokens} (session_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TABLE ${t.refreshTokens}`);
  }
}
