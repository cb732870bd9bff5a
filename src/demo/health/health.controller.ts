import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RevocationHealthIndicator } from '../../auth/index.js';

/** The longest a database ping may take before /health reports the database down. */
export const DATABASE_PING_TIMEOUT_MS = 1000;

/** The one failure whose text /health passes on as it is: terminus's own, which names no address. */
const PING_TIMEOUT = `timeout of ${DATABASE_PING_TIMEOUT_MS}ms exceeded`;

/**
 * What /health says of a database that is down: the kind of failure, never the driver's text, which names the
 * database's address (`connect ECONNREFUSED 10.0.0.5:5432`) to anyone who can reach an unguarded route.
 */
export function databaseFailure(message: string): string {
  if (message === PING_TIMEOUT) return message;
  if (/ECONNREFUSED/.test(message)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'database host not found';
  if (/ECONNRESET|EPIPE|terminated|ended/i.test(message)) return 'connection lost';
  return 'ping failed';
}

/**
 * `GET /health`: terminus's body, 200 when every indicator is up, 503 otherwise (for monitoring: a listener down is a
 * fault to see). `GET /health/ready`: for a readiness probe, 503 only when the database is down; a listener down
 * answers 200 with `status: 'degraded'`, since the instance serves correctly in strict reads. `GET /health/live`: for
 * a liveness probe, the process answers; nothing it depends on is asked. No guard, no rate limit.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly revocations: RevocationHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.pingDatabase(), () => this.revocations.check('revocationListener')]);
  }

  @Get('ready')
  @HealthCheck()
  async ready() {
    const result = await this.health.check([
      () => this.pingDatabase(),
      () => this.revocations.readiness('revocationListener'),
    ]);
    const degraded = result.details.revocationListener?.degraded === true;
    return degraded ? { ...result, status: 'degraded' as const } : result;
  }

  @Get('live')
  @HealthCheck()
  live() {
    return { status: 'ok' as const };
  }

  private async pingDatabase() {
    const result = await this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS);
    const { database } = result;
    if (database?.status === 'down' && typeof database.message === 'string')
      database.message = databaseFailure(database.message);
    return result;
  }
}
