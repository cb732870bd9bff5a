import { Controller, type Type } from '@nestjs/common';
import { DEFAULT_ROUTE_PATHS, type AuthRouteName } from './auth.constants.js';
import type { AuthModuleExtras } from './auth-options.interface.js';
import { mapFibError } from './fib/fib-error.mapper.js';
import { FibLogoutController } from './fib/fib-logout.controller.js';
import { mapGenericError } from './generic/generic-error.mapper.js';
import { GenericLogoutController } from './generic/generic-logout.controller.js';
import { RefreshController } from './refresh/refresh.controller.js';
import { LogoutAllController, LogoutOthersController } from './scopes/logout-scope.controllers.js';
import { SessionListController, SessionRevokeController } from './sessions/session-list.controllers.js';
import type { ErrorMapper } from './routes/error-response.js';
import type { MountedLogoutRoute } from './routes/pre-route-errors.js';
import { mapSignoutError } from './signout/signout-error.mapper.js';
import { SignoutController } from './signout/signout.controller.js';
import { mapV3Error } from './v3/v3-error.mapper.js';
import { V3LogoutController } from './v3/v3-logout.controller.js';

/** Each route: its controller, its spec's mapper, and (for the pre-route error hooks) its method and any path parameters after the mount path. */
const ROUTES: Record<
  AuthRouteName,
  { controller: Type; mapper: ErrorMapper; method?: MountedLogoutRoute['method']; params?: string }
> = {
  signout: { controller: SignoutController, mapper: mapSignoutError },
  authLogout: { controller: GenericLogoutController, mapper: mapGenericError },
  fibLogout: { controller: FibLogoutController, mapper: mapFibError },
  v3Logout: { controller: V3LogoutController, mapper: mapV3Error },
  refresh: { controller: RefreshController, mapper: mapGenericError },
  logoutAll: { controller: LogoutAllController, mapper: mapGenericError },
  logoutOthers: { controller: LogoutOthersController, mapper: mapGenericError },
  listSessions: { controller: SessionListController, mapper: mapGenericError, method: 'GET' },
  revokeSession: { controller: SessionRevokeController, mapper: mapGenericError, method: 'DELETE', params: ':id' },
};

/**
 * The routes to mount: each one not switched off, as a subclass
 * carrying its path, so moving one route never touches the shared class.
 */
export function logoutRoutes(
  routes: AuthModuleExtras['routes'] = {},
): Array<MountedLogoutRoute & { controller: Type }> {
  return (Object.keys(ROUTES) as AuthRouteName[]).flatMap((name) => {
    const option = routes[name] ?? true;
    if (option === false) return [];
    const { controller: base, mapper, method = 'POST', params } = ROUTES[name];
    const path = typeof option === 'object' ? option.path : DEFAULT_ROUTE_PATHS[name];
    const controller = class extends base {};
    Object.defineProperty(controller, 'name', { value: base.name });
    Controller(path)(controller);
    return [{ controller, method, path: params ? `${path}/${params}` : path, mapper }];
  });
}
