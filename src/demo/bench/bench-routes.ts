import { createSecretKey } from 'node:crypto';
import { Controller, Get, Inject, Injectable, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../../auth/index.js';

/**
 * What a plain passport-jwt guard costs: the same signature and claim checks as JwtGuard, no session
 * lookup, no revocation. Its key is a KeyObject, as JwtGuard's: with a string secret, jsonwebtoken
 * spends about 0.3 ms per token trying to read it as a PEM key, which would flatter JwtGuard.
 */
@Injectable()
class StatelessJwtStrategy extends PassportStrategy(Strategy, 'bench-stateless-jwt') {
  constructor(@Inject(AUTH_OPTIONS) options: ResolvedAuthOptions) {
    if (options.signing.algorithm !== 'HS256') throw new Error('The bench expects HS256');
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // The same key object as JwtGuard's, so the two differ only by the session check.
      secretOrKey: createSecretKey(Buffer.from(options.signing.secret)) as unknown as string,
      algorithms: ['HS256'],
      issuer: options.issuer,
      audience: options.audience,
    });
  }

  validate(payload: { sub: string; sid: string }) {
    return { userId: payload.sub, sessionId: payload.sid };
  }
}

/** Routes that only `npm run bench` mounts (BENCH_ROUTES=true): the adapter's ceiling and the stateless baseline. */
@Controller()
class BenchController {
  @Get('ping')
  ping() {
    return { ok: true };
  }

  @Get('bench/stateless')
  @UseGuards(AuthGuard('bench-stateless-jwt'))
  stateless(@Req() request: { user: { userId: string; sessionId: string } }) {
    return { userId: request.user.userId, sessionId: request.user.sessionId, deviceId: null };
  }
}

/** Added to the demo's root module (which has AuthModule's options) when the bench asks for them. */
export const benchParts = { controllers: [BenchController], providers: [StatelessJwtStrategy] };
