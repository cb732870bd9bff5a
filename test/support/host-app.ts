import { Controller, Get, Module, Param, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  AuthModule,
  CurrentSession,
  JwtGuard,
  SessionService,
  type AuthenticatedSession,
  type AuthModuleExtras,
  type AuthModuleOptions,
} from '../../src/auth/index.js';
import type { Adapter } from './test-app.js';

/** A host's own routes: a sign-in without passwords, and a route of its own behind JwtGuard (also used by test/host-connection). */
@Controller()
export class HostController {
  constructor(private readonly sessions: SessionService) {}

  @Post('sign-in/:userId')
  signIn(@Param('userId') userId: string) {
    return this.sessions.createSession({ userId });
  }

  @Get('profile')
  @UseGuards(JwtGuard)
  profile(@CurrentSession() session: AuthenticatedSession) {
    return { user: session.userId };
  }
}

/** A host app of its own (not the demo): its own connection, AuthModule as given, optionally a global prefix; on Fastify unless told. */
export async function createHostApp(
  url: string,
  options: AuthModuleOptions & AuthModuleExtras,
  prefix?: string,
  adapter: Adapter = 'fastify',
): Promise<INestApplication> {
  @Module({
    imports: [TypeOrmModule.forRoot({ type: 'postgres', url, autoLoadEntities: true }), AuthModule.forRoot(options)],
    controllers: [HostController],
  })
  class HostModule {}
  const app =
    adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(HostModule, { logger: false });
  if (prefix) app.setGlobalPrefix(prefix);
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}
