import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { withinRequestDeadline } from '../sessions/database-deadline.js';

/**
 * Puts a route's handler under the deadline its guard started: on every module route (`@AuthRoute()`), and on a
 * host's route that asks for it next to JwtGuard. Nest binds the handler to the async scope in which
 * `next.handle()` is called, on every adapter.
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return withinRequestDeadline(context.switchToHttp().getRequest<object>(), () => next.handle());
  }
}
