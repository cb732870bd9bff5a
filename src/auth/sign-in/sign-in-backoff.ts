import { createHash } from 'node:crypto';
import type { ResolvedSignInThrottleOptions } from '../options/resolve-options.js';

type BackoffOptions = Pick<ResolvedSignInThrottleOptions, 'freeFailures' | 'baseDelaySeconds' | 'maxDelaySeconds'>;

/**
 * Seconds an account must wait before its next attempt after `failures` failed ones: none while they are at most
 * `freeFailures - 1`, then `baseDelaySeconds`, doubling with each further failure, never above `maxDelaySeconds`.
 * So attempt number `freeFailures + k` (k >= 1) comes at least `min(base * 2^(k-1), max)` after the failure before it.
 */
export function signInBackoffSeconds(failures: number, options: BackoffOptions): number {
  if (failures < options.freeFailures) return 0;
  return Math.min(options.baseDelaySeconds * 2 ** (failures - options.freeFailures), options.maxDelaySeconds);
}

/**
 * The store's key for an account: `Alice@Example.com ` and `alice@example.com` are one account, and the table holds
 * only a SHA-256 of the name, never the address itself.
 */
export function accountKey(account: string): string {
  return createHash('sha256').update(account.trim().toLowerCase()).digest('hex');
}
