import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/** The clean-up job finds ended sessions and signed-out devices by these, a batch at a time. */
export class SessionCleanupIndexes1763700000003 implements MigrationInterface {
  name = 'SessionCleanupIndexes1763700000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`CREATE INDEX auth_sessions_expires_idx ON ${t.sessions} (expires_at)`);
    await queryRunner.query(
      `CREATE INDEX auth_sessions_revoked_idx ON ${t.sessions} (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX auth_devices_revoked_idx ON ${t.devices} (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_devices_revoked_idx`);
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_sessions_revoked_idx`);
    await queryRunner.query(`DROP INDEX ${t.prefix}auth_sessions_expires_idx`);
  }
}
