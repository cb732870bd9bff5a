import type { MigrationInterface, QueryRunner } from 'typeorm';
import { authTables, dataSourceSchema } from '../src/auth/sessions/db-schema.js';

/**
 * The sign-in throttle's counters: one row per key (a hashed account or a client address), in the layout
 * rate-limiter-flexible's Postgres store reads and writes (it inserts by position: key, points, expire), created here
 * so that the library never runs DDL. `expire` is epoch milliseconds; the index serves the purge of expired rows.
 */
export class CreateSignInAttempts1763700000006 implements MigrationInterface {
  name = 'CreateSignInAttempts1763700000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`
      CREATE TABLE ${t.signInAttempts} (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await queryRunner.query(`CREATE INDEX auth_sign_in_attempts_expire_idx ON ${t.signInAttempts} (expire)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = authTables(dataSourceSchema(queryRunner.connection));
    await queryRunner.query(`DROP TABLE ${t.signInAttempts}`);
  }
}
