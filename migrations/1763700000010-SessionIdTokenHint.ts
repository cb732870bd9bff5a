import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * A session opened through an OpenID Connect provider may keep the ID token the provider issued: RP-initiated logout
 * sends it back as `id_token_hint`, which some providers require before they sign the user out or redirect back.
 */
export class SessionIdTokenHint1763700000010 implements MigrationInterface {
  name = 'SessionIdTokenHint1763700000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      ALTER TABLE ${t.sessions}
        ADD COLUMN idp_id_token text,
        ADD CONSTRAINT auth_sessions_idp_id_token_has_issuer CHECK (idp_id_token IS NULL OR idp_issuer IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      ALTER TABLE ${t.sessions}
        DROP CONSTRAINT auth_sessions_idp_id_token_has_issuer,
        DROP COLUMN idp_id_token`);
  }
}
