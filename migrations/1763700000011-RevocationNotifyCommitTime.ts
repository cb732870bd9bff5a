import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  COMMIT_STAMP_SQL,
  DELETED_REASON,
  EXPIRED_REASON,
  PER_SESSION_NOTIFY_LIMIT,
  notifyEndedSql,
  sqlLiteral,
} from '../src/auth/revocation/revocation-protocol.js';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';
import { RevocationNotifyDetails1763700000008 } from './1763700000008-RevocationNotifyDetails.js';

/**
 * Every revocation notification starts with the database's clock when the revoking statement ended
 * (`t:<milliseconds since the epoch>;`, one stamp per statement), so an instance can tell how long a revocation took
 * to reach it (the `revocation_delivery_seconds` metric). The payloads after the stamp are RevocationNotifyDetails'
 * and the 8000-byte bound counts the stamp. Instances that still run the code before this migration do not know the
 * stamp and empty their whole cache on each notification: safe, and only until they are replaced. Payloads without a
 * stamp are still read. `down` restores RevocationNotifyDetails' function.
 */
export class RevocationNotifyCommitTime1763700000011 implements MigrationInterface {
  name = 'RevocationNotifyCommitTime1763700000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    const revoked = `
      SELECT id, user_id, COALESCE(revoke_reason, ${sqlLiteral(EXPIRED_REASON)}) AS reason
      FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now()`;
    const deleted = `
      SELECT id, user_id, ${sqlLiteral(DELETED_REASON)}::text AS reason FROM old_rows WHERE revoked_at IS NULL`;
    const limit = sqlLiteral(PER_SESSION_NOTIFY_LIMIT);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${t.notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ended int;
        stamp text := ${COMMIT_STAMP_SQL};
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          SELECT count(*) INTO ended FROM new_rows WHERE revoked_at IS NOT NULL OR expires_at <= now();
          IF ended > ${limit} THEN ${notifyEndedSql(revoked, true, 'stamp')};
          ELSIF ended > 0 THEN ${notifyEndedSql(revoked, false, 'stamp')};
          END IF;
        ELSE
          SELECT count(*) INTO ended FROM old_rows WHERE revoked_at IS NULL;
          IF ended > ${limit} THEN ${notifyEndedSql(deleted, true, 'stamp')};
          ELSIF ended > 0 THEN ${notifyEndedSql(deleted, false, 'stamp')};
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await new RevocationNotifyDetails1763700000008().up(queryRunner);
  }
}
