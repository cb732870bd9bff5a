import { Controller, type Type } from '@nestjs/common';
import type { AuthRouteName } from '../auth.constants.js';
import type { ErrorMapper } from '../http/error-response.js';
import { documentAnswers } from '../http/openapi.js';
import type { AuthModuleExtras } from '../options/auth-options.interface.js';
import {
  AdminSessionListController,
  AdminSessionRevokeController,
  AdminSessionsRevokeController,
} from './admin/admin-sessions.controllers.js';
import { BackchannelLogoutController } from './backchannel/backchannel-logout.controller.js';
import { RefreshController } from './refresh/refresh.controller.js';
import { TokenRevocationController } from './revoke/token-revocation.controller.js';
import { LogoutAllController, LogoutOthersController } from './scopes/logout-scope.controllers.js';
import { SessionListController, SessionRevokeController } from './sessions/session-list.controllers.js';
import { mapFibError } from './specs/fib/fib-error.mapper.js';
import { FibLogoutController } from './specs/fib/fib-logout.controller.js';
import { mapGenericError, mapRefreshError, mapSessionRouteError } from './specs/generic/generic-error.mapper.js';
import { mapOAuthError } from './specs/oauth/oauth-error.mapper.js';
import { GenericLogoutController } from './specs/generic/generic-logout.controller.js';
import { mapSignoutError } from './specs/signout/signout-error.mapper.js';
import { SignoutController } from './specs/signout/signout.controller.js';
import { mapV3Error } from './specs/v3/v3-error.mapper.js';
import { V3LogoutController } from './specs/v3/v3-logout.controller.js';

/** What the module knows of a route: who answers it, in which spec's body, and where it is mounted by default. */
interface RouteRow {
  controller: Type;
  /** The spec whose bodies every error of the route is answered in (SpecExceptionFilter, pre-route errors, OpenAPI). */
  mapper: ErrorMapper;
  method: MountedRoute['method'];
  /** The default mount path; the `routes` option may move it. */
  path: string;
  /** Path parameters after the mount path, as the controller's handler declares them. */
  params?: string;
  /** When the route expires the cookies of cookie mode, whatever its outcome (AuthCookieService.clearAfterSignOut). */
  clearsCookies?: CookieClearing;
  /** Mounted only with the `admin` extra, whose guard decides who may call it. */
  admin?: true;
  /** Mounted only with the `backchannelLogout` extra, which names the providers whose tokens it takes. */
  backchannel?: true;
}

/**
 * `always`: the route ends the caller's session. `ownSession`: it does when its `:id` is the caller's session.
 * `whenRefused`: a refused refresh token's cookies are dead.
 */
export type CookieClearing = 'always' | 'ownSession' | 'whenRefused';

/** The only place that ties a route to its spec. */
const ROUTE_TABLE = {
  signout: {
    controller: SignoutController,
    mapper: mapSignoutError,
    method: 'POST',
    path: 'signout',
    clearsCookies: 'always',
  },
  authLogout: {
    controller: GenericLogoutController,
    mapper: mapGenericError,
    method: 'POST',
    path: 'auth/logout',
    clearsCookies: 'always',
  },
  fibLogout: {
    controller: FibLogoutController,
    mapper: mapFibError,
    method: 'POST',
    path: 'auth/api/v1/authentication-management/logout',
    clearsCookies: 'always',
  },
  v3Logout: {
    controller: V3LogoutController,
    mapper: mapV3Error,
    method: 'POST',
    path: 'v3/logout',
    clearsCookies: 'always',
  },
  refresh: {
    controller: RefreshController,
    mapper: mapRefreshError,
    method: 'POST',
    path: 'auth/refresh',
    clearsCookies: 'whenRefused',
  },
  revokeToken: {
    controller: TokenRevocationController,
    mapper: mapOAuthError,
    method: 'POST',
    path: 'auth/revoke',
  },
  backchannelLogout: {
    controller: BackchannelLogoutController,
    mapper: mapOAuthError,
    method: 'POST',
    path: 'auth/backchannel-logout',
    backchannel: true,
  },
  logoutAll: {
    controller: LogoutAllController,
    mapper: mapSessionRouteError,
    method: 'POST',
    path: 'auth/logout/all',
    clearsCookies: 'always',
  },
  logoutOthers: {
    controller: LogoutOthersController,
    mapper: mapSessionRouteError,
    method: 'POST',
    path: 'auth/logout/others',
  },
  listSessions: {
    controller: SessionListController,
    mapper: mapSessionRouteError,
    method: 'GET',
    path: 'auth/sessions',
  },
  revokeSession: {
    controller: SessionRevokeController,
    mapper: mapSessionRouteError,
    method: 'DELETE',
    path: 'auth/sessions',
    params: ':id',
    clearsCookies: 'ownSession',
  },
  adminListSessions: {
    controller: AdminSessionListController,
    mapper: mapSessionRouteError,
    method: 'GET',
    path: 'auth/admin/users',
    params: ':userId/sessions',
    admin: true,
  },
  adminRevokeSession: {
    controller: AdminSessionRevokeController,
    mapper: mapSessionRouteError,
    method: 'DELETE',
    path: 'auth/admin/users',
    params: ':userId/sessions/:sessionId',
    admin: true,
  },
  adminRevokeSessions: {
    controller: AdminSessionsRevokeController,
    mapper: mapSessionRouteError,
    method: 'DELETE',
    path: 'auth/admin/users',
    params: ':userId/sessions',
    admin: true,
  },
} as const satisfies Record<AuthRouteName, RouteRow>;

// The OpenAPI examples of each route are its own mapper's answers, so they cannot drift from what it sends.
for (const row of Object.values(ROUTE_TABLE) as RouteRow[])
  documentAnswers(row.controller, row.mapper, { pathParameters: row.params !== undefined });

/**
 * A route as mounted by one AuthModule: method, path (without the host's prefix; `:name` segments are parameters),
 * mapper.
 */
export interface MountedRoute {
  name: AuthRouteName;
  method: 'POST' | 'GET' | 'DELETE';
  path: string;
  mapper: ErrorMapper;
  controller: Type;
  clearsCookies?: CookieClearing;
}

/** The path a route is mounted at by default. */
export const defaultRoutePath = (name: AuthRouteName): string => ROUTE_TABLE[name].path;

/** A class whose instances have `canActivate`: what Nest takes as a guard. */
const isGuardClass = (value: unknown): boolean =>
  typeof value === 'function' && typeof (value.prototype as { canActivate?: unknown })?.canActivate === 'function';

/**
 * The routes one AuthModule mounts: each one not switched off, at its configured path; the admin routes only with
 * the `admin` extra, the back-channel logout only with `backchannelLogout`. An `admin` without a guard class, or an
 * admin (back-channel) route asked for without `admin` (`backchannelLogout`), is refused.
 *
 * Paths are configurable per application, and Nest reads a controller's path from the class's
 * metadata, so each mounted route is a subclass of its controller carrying that path (same name,
 * same handlers): setting the path on the shared class would move the route of every application in
 * the process. This is the only place where that happens.
 */
export function mountRoutes({
  routes = {},
  admin,
  backchannelLogout,
}: Pick<AuthModuleExtras, 'routes' | 'admin' | 'backchannelLogout'> = {}): MountedRoute[] {
  if (admin !== undefined && !isGuardClass(admin?.guard))
    throw new Error('AuthModule: admin.guard must be a guard class (with a canActivate method)');
  return (Object.keys(ROUTE_TABLE) as AuthRouteName[]).flatMap((name) => {
    const row: RouteRow = ROUTE_TABLE[name];
    const option = routes[name] ?? true;
    if (option === false) return [];
    if (row.admin && !admin) {
      if (routes[name] === undefined) return [];
      throw new Error(`AuthModule: routes.${name} is an admin route: it needs the admin option (its guard)`);
    }
    if (row.backchannel && !backchannelLogout) {
      if (routes[name] === undefined) return [];
      throw new Error(`AuthModule: routes.${name} needs the backchannelLogout option (its providers)`);
    }
    const path = typeof option === 'object' ? option.path : row.path;
    const controller = class extends row.controller {};
    Object.defineProperty(controller, 'name', { value: row.controller.name });
    Controller(path)(controller);
    return [
      {
        name,
        method: row.method,
        path: row.params ? `${path}/${row.params}` : path,
        mapper: row.mapper,
        controller,
        clearsCookies: row.clearsCookies,
      },
    ];
  });
}
