import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refresh tokens, stored only as SHA-256 hashes, each bound to its session. */
export class CreateRefreshTokens1763700000002 implements MigrationInterface {
  name = 'CreateRefreshTokens1763700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX auth_refresh_tokens_session_idx ON auth_refresh_tokens (session_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE auth_refresh_tokens`);
  }
}
