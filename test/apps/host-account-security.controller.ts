import { Body, Controller, ForbiddenException, HttpCode, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import {
  CurrentSession,
  JwtGuard,
  RequireFreshSession,
  SessionService,
  type AuthenticatedSession,
} from '../../src/auth/index.js';
import { HostAccounts } from './host-accounts.js';

/** How recent a sign-in the host's sensitive route asks for. */
export const FRESH_SESSION_MAX_AGE_SECONDS = 300;

/**
 * A host's account-security routes, as the README's recipes write them: a sensitive action that needs a fresh session,
 * re-authentication with the password, and a password change that ends every other session.
 */
@Controller('auth')
@UseGuards(JwtGuard)
export class HostAccountSecurityController {
  constructor(
    private readonly accounts: HostAccounts,
    private readonly sessions: SessionService,
  ) {}

  @Post('sensitive')
  @HttpCode(200)
  @RequireFreshSession(FRESH_SESSION_MAX_AGE_SECONDS)
  sensitive(@CurrentSession() session: AuthenticatedSession) {
    return { done: true, sessionId: session.sessionId };
  }

  @Post('reauthenticate')
  @HttpCode(200)
  async reauthenticate(
    @CurrentSession() session: AuthenticatedSession,
    @Body() body: { email?: string; password?: string },
  ) {
    await this.verifyOwnPassword(session, body.email, body.password);
    return { reauthenticated: await this.sessions.reauthenticate(session) };
  }

  @Post('password')
  @HttpCode(200)
  async changePassword(
    @CurrentSession() session: AuthenticatedSession,
    @Body() body: { email?: string; password?: string; newPassword?: string },
  ) {
    await this.verifyOwnPassword(session, body.email, body.password);
    if (typeof body.newPassword !== 'string' || body.newPassword === '') throw new ForbiddenException();
    await this.accounts.upsert(body.email as string, body.newPassword);
    const ended = await this.sessions.endSessionsAfterCredentialChange(session.userId, session);
    return { endedSessions: ended.length };
  }

  private async verifyOwnPassword(session: AuthenticatedSession, email?: string, password?: string): Promise<void> {
    const account =
      typeof email === 'string' && typeof password === 'string' ? await this.accounts.verify(email, password) : null;
    if (!account || account.id !== session.userId) throw new UnauthorizedException();
  }
}
