import {
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Interval, ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  AuthModule,
  CurrentSession,
  JwtGuard,
  Public,
  SessionService,
  type AuthenticatedSession,
  type AuthModuleOptions,
} from '../../src/auth/index.js';
import { TEST_SECRET } from '../support/constants.js';

/** A host route that says what the guard left on the request. */
@Controller()
export class ConventionsController {
  constructor(private readonly sessions: SessionService) {}

  @Public()
  @Post('login/:userId')
  @HttpCode(200)
  login(@Req() request: { params: { userId: string } }) {
    return this.sessions.createSession({ userId: request.params.userId });
  }

  @Get('whoami')
  whoami(@Req() request: { user?: unknown }, @CurrentSession() session: AuthenticatedSession) {
    return { user: request.user ?? null, session };
  }
}

/** A job of the host's own, on the host's own ScheduleModule. */
@Injectable()
export class HostTicker {
  ticks = 0;

  @Interval('host-ticker', 500)
  tick(): void {
    this.ticks++;
  }
}

export interface ConventionsHost {
  /** JwtGuard as the host's APP_GUARD. */
  globalGuard?: boolean;
  /** The host's ScheduleModule.forRoot() and a job of its own. */
  schedule?: boolean;
  /** The host's ThrottlerModule.forRoot() with this storage. */
  throttlerStorage?: ThrottlerStorage;
  auth?: Partial<AuthModuleOptions>;
}

/** A host that follows the Nest conventions the module must fit: its own roots, a global guard, its own throttler. */
export function conventionsHostModule(url: string, host: ConventionsHost): DynamicModule {
  const providers: Provider[] = [];
  if (host.globalGuard) providers.push({ provide: APP_GUARD, useClass: JwtGuard });
  if (host.schedule) providers.push(HostTicker);
  @Module({})
  class ConventionsHostModule {}
  return {
    module: ConventionsHostModule,
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url, autoLoadEntities: true }),
      ...(host.schedule ? [ScheduleModule.forRoot()] : []),
      ...(host.throttlerStorage
        ? [ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: 1000 }], storage: host.throttlerStorage })]
        : []),
      AuthModule.forRoot({ signing: { algorithm: 'HS256', secret: TEST_SECRET }, rateLimit: false, ...host.auth }),
    ],
    controllers: [ConventionsController],
    providers,
  };
}
