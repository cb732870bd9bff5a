import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { AuthUser, AuthUserStore } from '../../auth/index.js';
import { DemoUser } from './demo-user.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Compared against when the email is unknown, so both paths cost one argon2 verification. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0v6rNqJcSm9nS8Hc4v1Zr2lqVqGk2m5xXc9pQ4p1eJY';

/** The demo's users, and its implementation of the module's user-status port. */
@Injectable()
export class DemoUsersService implements AuthUserStore {
  constructor(@InjectRepository(DemoUser) private readonly users: Repository<DemoUser>) {}

  async findUser(userId: string): Promise<AuthUser | null> {
    if (!UUID.test(userId)) return null;
    const user = await this.users.findOne({ where: { id: userId }, select: { id: true, disabled: true } });
    return user ? { id: user.id, disabled: user.disabled } : null;
  }

  /** The users among these ids, in one query: the guard's checks of requests that arrive together. */
  async findUsers(userIds: string[]): Promise<AuthUser[]> {
    const ids = userIds.filter((id) => UUID.test(id));
    if (!ids.length) return [];
    return this.users.find({ where: { id: In(ids) }, select: { id: true, disabled: true } });
  }

  /** The email of the user with this id, or null. */
  async emailOf(userId: string): Promise<string | null> {
    if (!UUID.test(userId)) return null;
    const user = await this.users.findOne({ where: { id: userId }, select: { id: true, email: true } });
    return user?.email ?? null;
  }

  /** The user whose email and password match, or null. */
  async verifyCredentials(email: string, password: string): Promise<DemoUser | null> {
    const user = await this.users.findOneBy({ email });
    const valid = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    return user && valid ? user : null;
  }

  /**
   * The user with this email, created on first sign-in through the identity provider. A new one gets a random
   * password nobody knows: it signs in through the provider.
   */
  async findOrCreateFederatedUser(email: string): Promise<DemoUser> {
    const known = await this.users.findOneBy({ email });
    if (known) return known;
    await this.users
      .createQueryBuilder()
      .insert()
      .values({ email, passwordHash: await hash(randomBytes(32).toString('base64url')) })
      .orIgnore()
      .execute();
    return this.users.findOneByOrFail({ email });
  }

  /** Creates the user, or resets its password if the email exists. */
  async upsertUser(email: string, password: string): Promise<void> {
    await this.users.upsert({ email, passwordHash: await hash(password) }, ['email']);
  }
}
