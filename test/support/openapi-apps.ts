import type { INestApplication } from '@nestjs/common';
import { AUTH_MOUNTED_ROUTES, defaultRoutePath, type MountedRoute } from './internals.js';

/** One module route of an app: its method, where it answers, and the document path of its operation. */
export interface MountedOperation {
  method: string;
  pattern: RegExp;
  operationPath: string;
}

/** What the response recorder (openapi-recorder.ts) knows of an app a suite sends requests to. */
export interface RecordedApp {
  /** The demo app: its own routes are in the document too, at their paths. */
  demo: boolean;
  /** The module's routes where this app mounts them (a prefix, a moved path); unknown for a demo process. */
  operations?: MountedOperation[];
}

const APPS = Symbol.for('nest-signout:openapi-apps');
type Registry = Map<unknown, RecordedApp>;
const globals = globalThis as { [APPS]?: Registry };

/** The apps of this worker, by the target supertest is given (an HTTP server), or `port:<port>` for a URL. */
export const recordedApps = (): Registry => (globals[APPS] ??= new Map());

const PATH_METADATA = 'path';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A mounted route's pattern, and its operation's path in the document (where the demo mounts it). */
function operationOf(route: MountedRoute, prefix: string): MountedOperation {
  const mountPath = String(Reflect.getMetadata(PATH_METADATA, route.controller) ?? '');
  const params = route.path.slice(mountPath.length);
  const segments = [prefix, route.path].filter(Boolean).join('/');
  const source = escape(`/${segments}`).replace(/:(\w+)/g, '[^/]+');
  return {
    method: route.method,
    pattern: new RegExp(`^${source}$`),
    operationPath: `/${defaultRoutePath(route.name)}${params}`.replace(/:(\w+)/g, '{$1}'),
  };
}

/** Tells the recorder where `app`'s module routes answer; `demo` for the demo app, whose own routes count too. */
export function recordApp(app: INestApplication, { demo = false, prefix = '' } = {}): void {
  let routes: MountedRoute[] = [];
  try {
    routes = app.get<symbol, MountedRoute[]>(AUTH_MOUNTED_ROUTES, { strict: false });
  } catch {
    // An app without AuthModule: nothing of it is in the document.
  }
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  recordedApps().set(app.getHttpServer(), { demo, operations: routes.map((route) => operationOf(route, trimmed)) });
}

/** The key of a target given as a URL: its port (`localhost` and `127.0.0.1` alike). */
export const urlKey = (url: string): string => `port:${new URL(url).port}`;

/** The demo as its own process, listening on `port`: its routes at the document's paths. */
export function recordDemoPort(port: number): void {
  recordedApps().set(`port:${port}`, { demo: true });
}
