import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiNoAuth, RevocationHealthIndicator } from '../../auth/index.js';
import { ApiUnreadableBodyAnswer } from '../demo-openapi.js';

const STATUS_MAP = { type: 'object', additionalProperties: { type: 'object' } } as const;

/**
 * Terminus's body, of a 200 and of a 503 alike. Its own documentation (off) leaves `status` optional; it never is.
 */
const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'degraded', 'shutting_down'] },
    info: STATUS_MAP,
    error: STATUS_MAP,
    details: STATUS_MAP,
  },
};

const UP = {
  status: 'ok',
  info: { database: { status: 'up' }, revocationListener: { status: 'up' } },
  error: {},
  details: { database: { status: 'up' }, revocationListener: { status: 'up' } },
};

const DOWN = {
  status: 'error',
  info: { revocationListener: { status: 'up' } },
  error: { database: { status: 'down', message: 'connection refused' } },
  details: { database: { status: 'down', message: 'connection refused' }, revocationListener: { status: 'up' } },
};

const healthBody = (example: unknown) => ({ 'application/json': { schema: HEALTH_SCHEMA, example } });

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
@ApiTags('health')
@ApiUnreadableBodyAnswer()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly revocations: RevocationHealthIndicator,
  ) {}

  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkHealth', summary: 'Every indicator (monitoring)' })
  @ApiNoAuth()
  @ApiOkResponse({ description: 'Every indicator is up', content: healthBody(UP) })
  @ApiServiceUnavailableResponse({ description: 'An indicator is down', content: healthBody(DOWN) })
  check() {
    return this.health.check([() => this.pingDatabase(), () => this.revocations.check('revocationListener')]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkReadiness', summary: 'Readiness: 503 only when the database is down' })
  @ApiNoAuth()
  @ApiOkResponse({ description: 'Ready (`degraded` while the revocation listener is down)', content: healthBody(UP) })
  @ApiServiceUnavailableResponse({ description: 'The database is down', content: healthBody(DOWN) })
  async ready() {
    const result = await this.health.check([
      () => this.pingDatabase(),
      () => this.revocations.readiness('revocationListener'),
    ]);
    const degraded = result.details.revocationListener?.degraded === true;
    return degraded ? { ...result, status: 'degraded' as const } : result;
  }

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'checkLiveness', summary: 'Liveness: the process answers' })
  @ApiNoAuth()
  @ApiOkResponse({ description: 'The process answers', content: healthBody({ status: 'ok' }) })
  @ApiServiceUnavailableResponse({ description: 'The app is shutting down', content: healthBody(DOWN) })
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
