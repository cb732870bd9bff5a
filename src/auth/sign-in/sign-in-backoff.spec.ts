import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountKey, signInBackoffSeconds } from './sign-in-backoff.js';

const defaults = { freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 900 };

describe('signInBackoffSeconds', () => {
  it('lets the first freeFailures attempts through without a wait, then doubles the wait up to the maximum', () => {
    const waits = Array.from({ length: 18 }, (_, failures) => signInBackoffSeconds(failures, defaults));
    expect(waits).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
  });

  it('scales with baseDelaySeconds and stops at maxDelaySeconds', () => {
    const options = { freeFailures: 2, baseDelaySeconds: 3, maxDelaySeconds: 20 };
    expect([1, 2, 3, 4, 5, 6].map((failures) => signInBackoffSeconds(failures, options))).toEqual([
      0, 3, 6, 12, 20, 20,
    ]);
  });

  it('waits after every failure with freeFailures 1, and never overflows', () => {
    const options = { freeFailures: 1, baseDelaySeconds: 1, maxDelaySeconds: 60 };
    expect([0, 1, 2, 3].map((failures) => signInBackoffSeconds(failures, options))).toEqual([0, 1, 2, 4]);
    expect(signInBackoffSeconds(5_000, options)).toBe(60);
  });
});

describe('accountKey', () => {
  it('is the SHA-256 of the trimmed, lower-cased account name', () => {
    const expected = createHash('sha256').update('alice@example.com').digest('hex');
    expect(accountKey('  Alice@Example.COM ')).toBe(expected);
    expect(accountKey('alice@example.com')).toBe(expected);
    expect(accountKey('alice@example.com')).not.toContain('alice');
  });
});
