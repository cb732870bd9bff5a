/**
 * Polls `attempt` until it returns something other than `undefined`, for at most `ms` (plus one last
 * attempt at the deadline): that value, or `undefined` when time ran out.
 */
export async function within<T>(
  ms: number,
  attempt: () => Promise<T | undefined> | T | undefined,
  intervalMs = 50,
): Promise<T | undefined> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const result = await attempt();
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return attempt();
}

/** Whether `check` holds at some point within `ms`, polled every `intervalMs`. */
export async function holdsWithin(
  ms: number,
  check: () => Promise<boolean> | boolean,
  intervalMs = 50,
): Promise<boolean> {
  return (await within(ms, async () => (await check()) || undefined, intervalMs)) ?? false;
}
