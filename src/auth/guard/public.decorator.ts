import { SetMetadata } from '@nestjs/common';

/** Route metadata read by JwtGuard: the route takes no access token. */
export const IS_PUBLIC = 'auth:public';

/**
 * Marks a route (or controller) that JwtGuard lets through without a token, for hosts that install
 * JwtGuard as their global `APP_GUARD`: their sign-in, health and other open routes.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
