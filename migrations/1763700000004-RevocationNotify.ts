import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  PAYLOAD,
  PER_SESSION_NOTIFY_LIMIT,
  REVOCATION_CHANNEL,
  sqlLiteral,
} from '../src/auth/revocation/revocation-protocol.js';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * Every revocation (or expiry moved to the past) of a session, whoever makes it (the module, an admin's SQL), tells
 * every
 * listening instance in the same transaction: `NOTIFY auth_session_revoked`
 * with `s:<session id>` per session, or `u:<user id>` per user when one
 * statement ends more than 100 sessions (logout everywhere of a large account).
 * Deleting a live session row tells them the same way.
 */
export class RevocationNotify1763700000004 implements MigrationInterface {
  name = 'RevocationNotify1763700000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    // A statement trigger sees all the rows of one statement at once (transition tables), so ending
    // 10,000 sessions costs one function call. It reads only the new rows: a join with the old ones
    // would be planned once per connection by PL/pgSQL, for the one-row statements that come first,
    // and stay a nested loop for large ones. So an update of an already revoked row notifies again
    // (harmless: evicting what is not cached), and an expiry shortened to a later time is left to the
    // cache's entry age. Statement triggers cannot name columns, so it also runs for updates of
    // last_used_at and finds nothing to tell.
    const [channel, perUser, perSession, limit] = [
      sqlLiteral(REVOCATION_CHANNEL),
      sqlLiteral(PAYLOAD.user),
      sqlLiteral(PAYLOAD.session),
      sqlLiteral(PER_SESSION_NOTIFY_LIMIT),
    ];
    await queryRunner.query(`
      CREATE FUNCTION ${t.notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE TRIGGER auth_sessions_revoked_notify AFTER UPDATE ON ${t.sessions}
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION ${t.notifyFunction}()`);
    await queryRunner.query(`
      CREATE TRIGGER auth_sessions_deleted_notify AFTER DELETE ON ${t.sessions}
      REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION ${t.notifyFunction}()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TRIGGER auth_sessions_deleted_notify ON ${t.sessions}`);
    await queryRunner.query(`DROP TRIGGER auth_sessions_revoked_notify ON ${t.sessions}`);
    await queryRunner.query(`DROP FUNCTION ${t.notifyFunction}()`);
  }
}
