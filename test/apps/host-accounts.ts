import { createHash } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUserStore } from '../../src/auth/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SHA-256 is enough for a test host's passwords (a real host hashes them slowly, as the demo does with argon2). */
const sha256 = (password: string) => createHash('sha256').update(password).digest();

export interface HostAccount {
  id: string;
  disabled: boolean;
}

/** The host's accounts table (host_accounts), read through the host's DataSource; also its user store. */
@Injectable()
export class HostAccounts implements AuthUserStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findUser(userId: string): Promise<HostAccount | null> {
    if (!UUID.test(userId)) return null;
    const [account] = await this.db.query('SELECT id, disabled FROM host_accounts WHERE id = $1', [userId]);
    return account ?? null;
  }

  /** The accounts among these ids, in one query (the module batches its user checks with it). */
  async findUsers(userIds: string[]): Promise<HostAccount[]> {
    const ids = userIds.filter((id) => UUID.test(id));
    if (!ids.length) return [];
    return this.db.query('SELECT id, disabled FROM host_accounts WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** The account whose email and password match, or null. */
  async verify(email: string, password: string): Promise<HostAccount | null> {
    const [account] = await this.db.query(
      'SELECT id, disabled FROM host_accounts WHERE email = $1 AND password_sha256 = $2',
      [email, sha256(password)],
    );
    return account ?? null;
  }

  /** Creates the account, or resets its password if the email exists; returns its id. */
  async upsert(email: string, password: string): Promise<string> {
    const [{ id }] = await this.db.query(
      `INSERT INTO host_accounts (email, password_sha256) VALUES ($1, $2)
       ON CONFLICT (email) DO UPDATE SET password_sha256 = excluded.password_sha256
       RETURNING id`,
      [email, sha256(password)],
    );
    return id;
  }
}

@Module({ providers: [HostAccounts], exports: [HostAccounts] })
export class HostAccountsModule {}
