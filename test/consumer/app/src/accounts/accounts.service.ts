import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { AuthUser, AuthUserStore } from 'nest-signout';
import type { Repository } from 'typeorm';
import { Account } from './account.entity.js';

const derive = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

/** The app's own users; as the module's AuthUserStore it says whether a token's user still exists and may sign in. */
@Injectable()
export class AccountsService implements AuthUserStore {
  constructor(@InjectRepository(Account) private readonly accounts: Repository<Account>) {}

  async findUser(id: string): Promise<AuthUser | null> {
    const account = await this.accounts.findOneBy({ id });
    return account && { id: account.id, disabled: !account.active };
  }

  async register(email: string, password: string): Promise<Account> {
    return this.accounts.save({ email, passwordHash: await hashPassword(password) });
  }

  async verify(email: string, password: string): Promise<Account | null> {
    return this.check(await this.accounts.findOneBy({ email }), password);
  }

  /** Sets a new password when the current one is right; false otherwise. */
  async changePassword(id: string, password: string, newPassword: string): Promise<boolean> {
    const account = await this.check(await this.accounts.findOneBy({ id }), password);
    if (!account) return false;
    await this.accounts.update({ id }, { passwordHash: await hashPassword(newPassword) });
    return true;
  }

  private async check(account: Account | null, password: string): Promise<Account | null> {
    if (!account?.active) return null;
    const [salt, hash] = account.passwordHash.split(':').map((part) => Buffer.from(part, 'base64'));
    return timingSafeEqual(await derive(password, salt, 32), hash) ? account : null;
  }
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `${salt.toString('base64')}:${(await derive(password, salt, 32)).toString('base64')}`;
}
