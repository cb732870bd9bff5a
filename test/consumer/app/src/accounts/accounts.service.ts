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
    const salt = randomBytes(16);
    const hash = await derive(password, salt, 32);
    return this.accounts.save({ email, passwordHash: `${salt.toString('base64')}:${hash.toString('base64')}` });
  }

  async verify(email: string, password: string): Promise<Account | null> {
    const account = await this.accounts.findOneBy({ email });
    if (!account?.active) return null;
    const [salt, hash] = account.passwordHash.split(':').map((part) => Buffer.from(part, 'base64'));
    return timingSafeEqual(await derive(password, salt, 32), hash) ? account : null;
  }
}
