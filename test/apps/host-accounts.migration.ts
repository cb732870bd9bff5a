import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The test host's own accounts: what a host keeps of its users, the module owns none of it. */
export class CreateHostAccounts1763700000100 implements MigrationInterface {
  name = 'CreateHostAccounts1763700000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE host_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text UNIQUE NOT NULL,
        password_sha256 bytea NOT NULL,
        disabled boolean NOT NULL DEFAULT false
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE host_accounts');
  }
}
