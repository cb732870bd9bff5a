import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  DELETED_REASON,
  EXPIRED_REASON,
  PAYLOAD,
  PER_SESSION_NOTIFY_LIMIT,
  REVOCATION_CHANNEL,
  notifyEndedSql,
  sqlLiteral,
} from '../src/auth/revocation/revocation-protocol.js';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * The revocation trigger's notifications say whose session ended and why, for the live revocation stream:
 * `se:["<session id>","<user id>","<reason>"]` per session, or `ue:["<user id>","<reason>"]` per user and reason when
 * one statement ends more than 100 sessions. The reason is the row's `revoke_reason`, `expired` for an expiry moved to
 * the past, `deleted` for a live row deleted. A payload that would not fit NOTIFY's 8000 bytes goes as `s:<session
 * id>` per session. Instances that still run the code before this migration do not know the new payloads and empty
 * their whole cache on each one: safe, and only until they are replaced. `down` restores RevocationNotify's function.
 */
export class RevocationNotifyDetails1763700000008 implements MigrationInterface {
  name = 'RevocationNotifyDetails1763700000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    const revoked = `
      SELECT id, user_id, COALESCE(revoke_reason, ${sqlLiteral(EXPIRED_REASON)}) AS reason
      FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now()`;
    const deleted = `
      SELECT id, user_id, ${sqlLiteral(DELETED_REASON)}::text AS reason FROM old_rows WHERE revoked_at IS NULL`;
    const limit = sqlLiteral(PER_SESSION_NOTIFY_LIMIT);
    // The triggers stay; only what their function sends changes (see RevocationNotify for why it reads new rows only).
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${t.notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended int;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          SELECT count(*) INTO ended FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now();
          IF ended > ${limit} THEN ${notifyEndedSql(revoked, true)};
          ELSIF ended > 0 THEN ${notifyEndedSql(revoked, false)};
          END IF;
        ELSE
          SELECT count(*) INTO ended FROM old_rows WHERE revoked_at IS NULL;
          IF ended > ${limit} THEN ${notifyEndedSql(deleted, true)};
          ELSIF ended > 0 THEN ${notifyEndedSql(deleted, false)};
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    const [channel, perUser, perSession, limit] = [
      sqlLiteral(REVOCATION_CHANNEL),
      sqlLiteral(PAYLOAD.user),
      sqlLiteral(PAYLOAD.session),
      sqlLiteral(PER_SESSION_NOTIFY_LIMIT),
    ];
    // RevocationNotify1763700000004's function, as it was.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${t.notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended int;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          SELECT count(*) INTO ended FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now();
          IF ended > ${limit} THEN
            PERFORM pg_notify(${channel}, ${perUser} || user_id)
            FROM (SELECT DISTINCT user_id FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now())
              ended_users;
          ELSIF ended > 0 THEN
            PERFORM pg_notify(${channel}, ${perSession} || id)
            FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now();
          END IF;
        ELSE
          SELECT count(*) INTO ended FROM old_rows WHERE revoked_at IS NULL;
          IF ended > ${limit} THEN
            PERFORM pg_notify(${channel}, ${perUser} || user_id)
            FROM (SELECT DISTINCT user_id FROM old_rows WHERE revoked_at IS NULL) ended_users;
          ELSIF ended > 0 THEN
            PERFORM pg_notify(${channel}, ${perSession} || id) FROM old_rows WHERE revoked_at IS NULL;
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
  }
}
