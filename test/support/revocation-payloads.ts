import { PAYLOAD } from './internals.js';

/** How far a stamp may be from this process's clock: both read this machine's clock, a minute is generous. */
const STAMP_TOLERANCE_MS = 60_000;

/**
 * A revocation payload without the commit-time stamp the trigger puts before it (`t:<ms>;`), which varies; throws
 * when the stamp is missing or is not a time near now, so the stamp is checked wherever a payload is.
 */
export function unstamped(payload: string): string {
  const match = new RegExp(`^${PAYLOAD.committedAt}(\\d+);`).exec(payload);
  if (!match) throw new Error(`no commit-time stamp on the payload ${payload.slice(0, 80)}`);
  const offsetMs = Math.abs(Number(match[1]) - Date.now());
  if (offsetMs > STAMP_TOLERANCE_MS) throw new Error(`a commit-time stamp ${offsetMs} ms off this clock: ${match[1]}`);
  return payload.slice(match[0].length);
}
