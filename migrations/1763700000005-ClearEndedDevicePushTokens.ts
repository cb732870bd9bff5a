import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlLiteral } from '../src/auth/revocation/revocation-protocol.js';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * A device whose last live session ends stops carrying its push token, in the transaction that ended it, whoever
 * ended it (any logout, a reused refresh token, an account that ends, the clean-up job, an admin's SQL): a host
 * never pushes to a signed-out phone.
 */
export class ClearEndedDevicePushTokens1763700000005 implements MigrationInterface {
  name = 'ClearEndedDevicePushTokens1763700000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    // One call per statement (transition table), like the revocation trigger. The devices are locked first, in id
    // order, and the live sessions counted by a later statement: under READ COMMITTED it sees what a concurrent
    // revocation of the device's other session committed while we waited for the lock, so two sessions of one
    // device ended at once cannot each leave the token to the other. EXECUTE plans the update for this statement's
    // row count (a cached plan would stay the one of the first, one-row, logout), and it runs only when a statement
    // ended a session on a device, so a touch of last_used_at costs one scan of its own new rows.
    const clear = sqlLiteral(`
      UPDATE ${t.devices} d SET push_token = NULL
      WHERE d.id = ANY ($1) AND d.push_token IS NOT NULL
        AND NOT EXISTS (
          SELECT 1 FROM ${t.sessions} s WHERE s.device_id = d.id AND s.revoked_at IS NULL AND s.expires_at > now()
        )`);
    await queryRunner.query(`
      CREATE FUNCTION ${t.clearPushTokensFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended uuid[];
      BEGIN
        SELECT array_agg(DISTINCT device_id ORDER BY device_id) INTO ended FROM new_rows
        WHERE device_id IS NOT NULL AND (revoked_at IS NOT NULL OR expires_at <= now());
        IF ended IS NULL THEN
          RETURN NULL;
        END IF;
        PERFORM 1 FROM ${t.devices} WHERE id = ANY (ended) ORDER BY id FOR UPDATE;
        EXECUTE ${clear}
        USING ended;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER auth_sessions_ended_clear_push_tokens AFTER UPDATE ON ${t.sessions}
      REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION ${t.clearPushTokensFunction}()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TRIGGER auth_sessions_ended_clear_push_tokens ON ${t.sessions}`);
    await queryRunner.query(`DROP FUNCTION ${t.clearPushTokensFunction}()`);
  }
}
