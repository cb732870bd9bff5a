import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * Sessions opened through an OpenID Connect provider remember it: its issuer, its session id (`sid`) and the user's
 * subject there (`sub`), so a back-channel logout token ends exactly the sessions it names. The live sessions are found
 * by issuer + sid and by issuer + sub. `auth_logout_tokens` holds the `jti` of each logout token taken, per issuer,
 * until the token could no longer be accepted: a replayed token finds its row and is refused.
 */
export class SessionIdentityProvider1763700000009 implements MigrationInterface {
  name = 'SessionIdentityProvider1763700000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      ALTER TABLE ${t.sessions}
        ADD COLUMN idp_issuer text,
        ADD COLUMN idp_sid text,
        ADD COLUMN idp_subject text,
        ADD CONSTRAINT auth_sessions_identity_provider_complete CHECK (
          (idp_issuer IS NULL AND idp_sid IS NULL AND idp_subject IS NULL)
          OR (idp_issuer IS NOT NULL AND idp_subject IS NOT NULL))`);
    await queryRunner.query(
      `CREATE INDEX auth_sessions_idp_sid_idx ON ${t.sessions} (idp_issuer, idp_sid)
       WHERE revoked_at IS NULL AND idp_sid IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX auth_sessions_idp_subject_idx ON ${t.sessions} (idp_issuer, idp_subject)
       WHERE revoked_at IS NULL AND idp_issuer IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE ${t.logoutTokens} (
        issuer text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT auth_logout_tokens_pkey PRIMARY KEY (issuer, jti)
      )`);
    await queryRunner.query(`CREATE INDEX auth_logout_tokens_expires_idx ON ${t.logoutTokens} (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TABLE ${t.logoutTokens}`);
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_sessions_idp_subject_idx`);
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_sessions_idp_sid_idx`);
    await queryRunner.query(`
      ALTER TABLE ${t.sessions}
        DROP CONSTRAINT auth_sessions_identity_provider_complete,
        DROP COLUMN idp_subject,
        DROP COLUMN idp_sid,
        DROP COLUMN idp_issuer`);
  }
}
