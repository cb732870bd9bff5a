/**
 * The one deadline of a request's database work, started by its first statement, so that waits in series (the
 * guard's check, then the route's statements; a connection, then its query) share one `databaseTimeoutMs`.
 */
export class RequestDeadline {
  private endsAt: number | undefined;
  /** Milliseconds the request's database work has waited so far (for the metrics). */
  waitedMs = 0;

  /** Milliseconds left for the request's database work; the first call starts the clock. */
  remainingMs(timeoutMs: number): number {
    this.endsAt ??= performance.now() + timeoutMs;
    return this.endsAt - performance.now();
  }
}

/**
 * Kept with the request object, which the guard and the route handler share: an AsyncLocalStorage would carry it
 * too, but on Node 20 enabling one slows every promise of the process (about a quarter of a cached guard's speed).
 */
const byRequest = new WeakMap<object, RequestDeadline>();

/** The deadline of `request`'s database work. */
export function deadlineOf(request: object): RequestDeadline {
  let deadline = byRequest.get(request);
  if (!deadline) byRequest.set(request, (deadline = new RequestDeadline()));
  return deadline;
}
