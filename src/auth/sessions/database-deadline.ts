import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The one deadline of a request's database work, started by its first statement, so that waits in series (the
 * guard's check, then the route's statements; a connection, then its query) share one `databaseTimeoutMs`.
 */
export class RequestDeadline {
  private endsAt: number | undefined;

  /** Milliseconds left for the request's database work; the first call starts the clock. */
  remainingMs(timeoutMs: number): number {
    this.endsAt ??= performance.now() + timeoutMs;
    return this.endsAt - performance.now();
  }
}

const current = new AsyncLocalStorage<RequestDeadline>();
/**
 * The guard and the route handler of one request run in different async scopes (Nest awaits the guards, then calls
 * the handler), so they find the same deadline through the request object.
 */
const byRequest = new WeakMap<object, RequestDeadline>();

/** Runs `work` (and everything it starts) under the deadline of `request`. */
export function withinRequestDeadline<T>(request: object, work: () => T): T {
  let deadline = byRequest.get(request);
  if (!deadline) byRequest.set(request, (deadline = new RequestDeadline()));
  return current.run(deadline, work);
}

/** Milliseconds left for one statement: the request's remaining time, or `timeoutMs` alone outside a request. */
export function remainingDatabaseMs(timeoutMs: number): number {
  return current.getStore()?.remainingMs(timeoutMs) ?? timeoutMs;
}
