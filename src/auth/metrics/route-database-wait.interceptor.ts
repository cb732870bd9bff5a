import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { deadlineOf } from '../sessions/database-deadline.js';
import { AuthMetrics } from './auth-metrics.js';

/**
 * On every module route: what its handler waited for PostgreSQL, after its guard (whose wait is the guard's metric),
 * observed when the handler ends, answered or refused; nothing for a handler that did not read the database.
 */
@Injectable()
export class RouteDatabaseWaitInterceptor implements NestInterceptor {
  constructor(@Inject(AuthMetrics) private readonly metrics: AuthMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.metrics.enabled) return next.handle();
    const deadline = deadlineOf(context.switchToHttp().getRequest<object>());
    const waitedBefore = deadline.waitedMs;
    return next.handle().pipe(
      finalize(() => {
        const waitedMs = deadline.waitedMs - waitedBefore;
        if (waitedMs > 0) this.metrics.routeDatabaseWait(context.getClass(), waitedMs / 1000);
      }),
    );
  }
}
