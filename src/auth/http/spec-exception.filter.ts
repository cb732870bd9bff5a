import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { AuthErrorRenderer } from './error-renderer.js';
import { MountedRoutes, type RawRequest } from './mounted-routes.js';

/**
 * The exception filter of every module route: whatever is thrown there is answered in the body of
 * the route's spec, the mapper its row of the route table names.
 */
@Catch()
export class SpecExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly renderer: AuthErrorRenderer,
    private readonly routes: MountedRoutes,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RawRequest>();
    const mapper = this.routes.mapperFor(request) ?? this.options.guardErrorMapper;
    this.renderer.render(request, http.getResponse(), mapper, error);
  }
}
