import { applyDecorators, SetMetadata, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { Public } from '../guard/public.decorator.js';
import { RouteDatabaseWaitInterceptor } from '../metrics/route-database-wait.interceptor.js';
import { AdminRouteGuard } from './admin-route.guard.js';
import { AUTH_ROUTE_AUTHENTICATED, AuthRouteGuard } from './auth-route.guard.js';
import { SpecExceptionFilter } from './spec-exception.filter.js';

/**
 * A controller of the module's own routes: guarded by AuthRouteGuard (rate limit, then the access
 * token unless `authenticated: false`), then for `admin: true` by the host's admin guard (AdminRouteGuard),
 * public to a global JwtGuard of the host, and every error answered in the body of the route's spec
 * (SpecExceptionFilter; the route table names the spec). Its handler's database wait feeds the metrics.
 */
export function AuthRoute(options: { authenticated?: boolean; admin?: boolean } = {}): ClassDecorator {
  return applyDecorators(
    Public(),
    SetMetadata(AUTH_ROUTE_AUTHENTICATED, options.authenticated ?? true),
    UseGuards(AuthRouteGuard, ...(options.admin ? [AdminRouteGuard] : [])),
    UseFilters(SpecExceptionFilter),
    UseInterceptors(RouteDatabaseWaitInterceptor),
  );
}
