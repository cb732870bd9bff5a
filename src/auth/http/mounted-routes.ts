import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { MountedRoute } from '../routes/route-table.js';
import type { ErrorMapper } from './error-response.js';

/** The routes this module instance mounted (see mountRoutes). */
export const AUTH_MOUNTED_ROUTES = Symbol('AUTH_MOUNTED_ROUTES');

/** What the resolver needs of a request, on Express and Fastify alike. */
export interface RawRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
}

const normalizePath = (...parts: string[]) => `/${parts.join('/').split('/').filter(Boolean).join('/')}`.toLowerCase();

/** A mounted path as a matcher: literal segments, and `:name` segments matching any one segment. */
const pathPattern = (path: string) =>
  new RegExp(
    `^${path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );

/**
 * Which of the module's routes a request is for, and so which spec answers its errors: the exception
 * filter of the module's controllers and the hooks that answer errors raised before a route runs
 * both ask here. Paths match as Express matches them (any case, trailing slash), under the host's
 * global prefix.
 */
@Injectable()
export class MountedRoutes {
  private patterns: Array<{ method: string; pattern: RegExp; mapper: ErrorMapper }> | undefined;

  constructor(
    @Inject(AUTH_MOUNTED_ROUTES) private readonly routes: MountedRoute[],
    private readonly appConfig: ApplicationConfig,
  ) {}

  get empty(): boolean {
    return this.routes.length === 0;
  }

  /** The mapper of the route a request is for, or undefined when it is none of the module's. */
  mapperFor(request: RawRequest): ErrorMapper | undefined {
    // Compiled on first use: the host sets its global prefix after the module is built.
    this.patterns ??= this.routes.map(({ method, path, mapper }) => ({
      method,
      mapper,
      pattern: pathPattern(normalizePath(this.appConfig.getGlobalPrefix(), path)),
    }));
    const path = normalizePath((request.originalUrl ?? request.url).split('?')[0]);
    return this.patterns.find((route) => route.method === request.method && route.pattern.test(path))?.mapper;
  }
}
