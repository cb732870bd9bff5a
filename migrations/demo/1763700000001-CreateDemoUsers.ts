import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The demo app's own users table; the auth module does not own users. */
export class CreateDemoUsers1763700000001 implements MigrationInterface {
  name = 'CreateDemoUsers1763700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        CONSTRAINT users_email_uq UNIQUE (email)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE users`);
  }
}
