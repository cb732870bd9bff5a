import type { CanActivate, Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { mountRoutes } from './route-table.js';

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const mounted = (extras: Parameters<typeof mountRoutes>[0]) =>
  mountRoutes(extras).map(({ name, method, path }) => `${name} ${method} ${path}`);

const ADMIN_ROUTES = [
  'adminListSessions GET auth/admin/users/:userId/sessions',
  'adminRevokeSession DELETE auth/admin/users/:userId/sessions/:sessionId',
  'adminRevokeSessions DELETE auth/admin/users/:userId/sessions',
];

describe('mountRoutes and the admin routes', () => {
  it('mounts no admin route without the admin option', () => {
    expect(mounted({}).filter((route) => route.startsWith('admin'))).toEqual([]);
    expect(mounted({})).toHaveLength(10);
  });

  it('mounts POST auth/revoke (RFC 7009) as revokeToken, movable and switchable like the others', () => {
    expect(mounted({})).toContain('revokeToken POST auth/revoke');
    expect(mounted({ routes: { revokeToken: { path: 'oauth/revoke' } } })).toContain('revokeToken POST oauth/revoke');
    expect(mounted({ routes: { revokeToken: false } }).filter((route) => route.startsWith('revokeToken'))).toEqual([]);
  });

  it('mounts the three admin routes with it, at their default paths or where `routes` puts them', () => {
    expect(mounted({ admin: { guard: AllowAll } }).filter((route) => route.startsWith('admin'))).toEqual(ADMIN_ROUTES);
    expect(
      mounted({
        admin: { guard: AllowAll },
        routes: { adminListSessions: { path: 'ops/users' }, adminRevokeSessions: false },
      }).filter((route) => route.startsWith('admin')),
    ).toEqual([
      'adminListSessions GET ops/users/:userId/sessions',
      'adminRevokeSession DELETE auth/admin/users/:userId/sessions/:sessionId',
    ]);
  });

  it.each([
    ['no guard', {}],
    ['a guard that is not a class', { guard: 'AdminGuard' }],
    ['a class without canActivate', { guard: class NotAGuard {} }],
  ])('refuses an admin option with %s', (_name, admin) => {
    expect(() => mountRoutes({ admin: admin as { guard: Type<CanActivate> } })).toThrow(
      'AuthModule: admin.guard must be a guard class (with a canActivate method)',
    );
  });

  it.each([true, { path: 'ops/users' }])('refuses an admin route asked for (%o) without the admin option', (option) => {
    expect(() => mountRoutes({ routes: { adminRevokeSession: option } })).toThrow(
      'AuthModule: routes.adminRevokeSession is an admin route: it needs the admin option (its guard)',
    );
    expect(mounted({ routes: { adminRevokeSession: false } })).toHaveLength(10);
  });
});

describe('mountRoutes and the back-channel logout', () => {
  const backchannelLogout = { providers: [{ issuer: 'https://idp.example.com', clientId: 'app' }] };

  it('mounts POST auth/backchannel-logout only with providers, movable and switchable like the others', () => {
    expect(mounted({}).filter((route) => route.startsWith('backchannelLogout'))).toEqual([]);
    expect(mounted({ backchannelLogout })).toContain('backchannelLogout POST auth/backchannel-logout');
    expect(mounted({ backchannelLogout })).toHaveLength(11);
    expect(mounted({ backchannelLogout, routes: { backchannelLogout: { path: 'oidc/logout' } } })).toContain(
      'backchannelLogout POST oidc/logout',
    );
    expect(mounted({ backchannelLogout, routes: { backchannelLogout: false } })).toHaveLength(10);
  });

  it('refuses the route asked for without providers', () => {
    expect(() => mountRoutes({ routes: { backchannelLogout: true } })).toThrow(
      'AuthModule: routes.backchannelLogout needs the backchannelLogout option (its providers)',
    );
  });
});
