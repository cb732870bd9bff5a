import { Controller, type Type } from '@nestjs/common';
import { AVAILABLE_LOGOUT_ROUTES, DEFAULT_LOGOUT_PATHS, type LogoutRouteName } from './auth.constants.js';
import type { AuthModuleExtras } from './auth-options.interface.js';
import { GenericLogoutController } from './generic/generic-logout.controller.js';

const CONTROLLERS: Partial<Record<LogoutRouteName, Type>> = {
  authLogout: GenericLogoutController,
};

/**
 * The controllers to mount: each documented route that is not switched off,
 * as a subclass carrying its path, so moving one route never touches the
 * shared class.
 */
export function logoutControllers(routes: AuthModuleExtras['routes'] = {}): Type[] {
  return AVAILABLE_LOGOUT_ROUTES.flatMap((name) => {
    const option = routes[name] ?? true;
    const base = CONTROLLERS[name];
    if (option === false || !base) return [];
    const path = typeof option === 'object' ? option.path : DEFAULT_LOGOUT_PATHS[name];
    const mounted = class extends base {};
    Object.defineProperty(mounted, 'name', { value: base.name });
    Controller(path)(mounted);
    return [mounted];
  });
}
