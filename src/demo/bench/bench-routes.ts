import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Controller, Get, Inject, Injectable, ParseIntPipe, Query, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { DataSource } from 'typeorm';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ConfigService } from '@nestjs/config';
import { DEMO_TOKEN_CLAIMS, demoSigning, type DemoConfig } from '../demo.config.js';

/**
 * What a plain passport-jwt guard costs: the same signature and claim checks as JwtGuard, no session
 * lookup, no revocation. Its key is a KeyObject, as JwtGuard's: with a string secret, jsonwebtoken
 * spends about 0.3 ms per token trying to read it as a PEM key, which would flatter JwtGuard.
 */
@Injectable()
class StatelessJwtStrategy extends PassportStrategy(Strategy, 'bench-stateless-jwt') {
  constructor(@Inject(ConfigService) settings: ConfigService<DemoConfig, true>) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // The same kind of key object as JwtGuard's, so the two differ only by the session check.
      secretOrKey: verificationKeyOf(settings) as unknown as string,
      algorithms: [settings.get('jwtAlgorithm', { infer: true })],
      issuer: DEMO_TOKEN_CLAIMS.issuer,
      audience: DEMO_TOKEN_CLAIMS.audience,
    });
  }

  validate(payload: { sub: string; sid: string }) {
    return { userId: payload.sub, sessionId: payload.sid };
  }
}

function verificationKeyOf(settings: ConfigService<DemoConfig, true>): KeyObject {
  const signing = demoSigning({
    jwtAlgorithm: settings.get('jwtAlgorithm', { infer: true }),
    jwtSecret: settings.get('jwtSecret', { infer: true }),
    jwtPrivateKey: settings.get('jwtPrivateKey', { infer: true }),
    jwtPublicKey: settings.get('jwtPublicKey', { infer: true }),
  });
  return signing.algorithm === 'HS256'
    ? createSecretKey(Buffer.from(signing.secret))
    : createPublicKey(signing.publicKey);
}

const SLOWEST_MS = 10_000;

/**
 * Routes that only `npm run bench` and the shutdown test mount (BENCH_ROUTES=true): the adapter's
 * ceiling, the stateless baseline, and a request that holds a database connection for a while.
 */
@Controller()
class BenchController {
  constructor(private readonly db: DataSource) {}

  @Get('ping')
  ping() {
    return { ok: true };
  }

  @Get('bench/stateless')
  @UseGuards(AuthGuard('bench-stateless-jwt'))
  stateless(@Req() request: { user: { userId: string; sessionId: string } }) {
    return { userId: request.user.userId, sessionId: request.user.sessionId, deviceId: null };
  }

  /** In flight for `ms` (at most 10 s) inside PostgreSQL, visible in pg_stat_activity as `pg_sleep`. */
  @Get('bench/slow')
  async slow(@Query('ms', ParseIntPipe) ms: number) {
    const slept = Math.min(Math.max(ms, 0), SLOWEST_MS);
    await this.db.query('SELECT pg_sleep($1)', [slept / 1000]);
    return { slept };
  }
}

/**
 * Added to the demo's root module (which has the demo's settings and the TypeORM connection) when the bench asks for
 * them.
 */
export const benchParts = { controllers: [BenchController], providers: [StatelessJwtStrategy] };
