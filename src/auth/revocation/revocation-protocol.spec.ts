import { describe, expect, it } from 'vitest';
import { DETAILED_PAYLOAD_MAX_BYTES, commitStamp, encodeRevocation, parseRevocation } from './revocation-protocol.js';

const SESSION_ID = '4b0b1f0e-8a52-4f55-9a4f-1d2e3c4b5a69';

describe('revocation payloads', () => {
  it.each([
    ['a plain user id', 'user-1', 'logout'],
    ['quotes, backslashes, colons and control characters', 'a"b\\c:d\n\t\u0001', 'admin "x"'],
    ['text outside ASCII', 'ユーザー🙂', 'révoqué'],
  ])('a session payload round-trips with %s', (_, userId, reason) => {
    const payload = encodeRevocation({ kind: 'session', sessionId: SESSION_ID, userId, reason });
    expect(payload.startsWith('se:')).toBe(true);
    expect(parseRevocation(payload)).toEqual({ kind: 'session', sessionId: SESSION_ID, userId, reason });
  });

  it('a user payload round-trips', () => {
    const payload = encodeRevocation({ kind: 'user', userId: 'a"b:c', reason: 'logout_all' });
    expect(payload).toBe('ue:["a\\"b:c","logout_all"]');
    expect(parseRevocation(payload!)).toEqual({ kind: 'user', userId: 'a"b:c', reason: 'logout_all' });
  });

  it('the payloads of the trigger before details are still read, without details', () => {
    expect(parseRevocation(`s:${SESSION_ID}`)).toEqual({ kind: 'session', sessionId: SESSION_ID });
    expect(parseRevocation('u:user:with:colons')).toEqual({ kind: 'user', userId: 'user:with:colons' });
    expect(parseRevocation('p:instance:7')).toEqual({ kind: 'marker', marker: 'p:instance:7' });
  });

  it('falls back to the session id alone past the size bound, and to per-session payloads for a user', () => {
    const fits = 'x'.repeat(DETAILED_PAYLOAD_MAX_BYTES - `se:["${SESSION_ID}","","logout"]`.length);
    const exact = encodeRevocation({ kind: 'session', sessionId: SESSION_ID, userId: fits, reason: 'logout' });
    expect(Buffer.byteLength(exact)).toBe(DETAILED_PAYLOAD_MAX_BYTES);
    expect(parseRevocation(exact)).toEqual({ kind: 'session', sessionId: SESSION_ID, userId: fits, reason: 'logout' });
    // One byte more, counted in UTF-8 bytes, not characters.
    const over = `${fits.slice(1)}é`;
    expect(encodeRevocation({ kind: 'session', sessionId: SESSION_ID, userId: over, reason: 'logout' })).toBe(
      `s:${SESSION_ID}`,
    );
    expect(encodeRevocation({ kind: 'user', userId: 'x'.repeat(8000), reason: 'logout_all' })).toBeNull();
  });

  it('a stamped payload carries its commit time; one without a stamp is read as before', () => {
    const detailed = encodeRevocation({ kind: 'session', sessionId: SESSION_ID, userId: 'u', reason: 'logout' });
    expect(commitStamp(1765000000123.9)).toBe('t:1765000000123;');
    expect(parseRevocation(`t:1765000000123;${detailed}`)).toEqual({
      kind: 'session',
      sessionId: SESSION_ID,
      userId: 'u',
      reason: 'logout',
      committedAtMs: 1765000000123,
    });
    expect(parseRevocation('t:5;ue:["u","logout_all"]')).toEqual({
      kind: 'user',
      userId: 'u',
      reason: 'logout_all',
      committedAtMs: 5,
    });
    expect(parseRevocation(`t:7;s:${SESSION_ID}`)).toEqual({
      kind: 'session',
      sessionId: SESSION_ID,
      committedAtMs: 7,
    });
  });

  it.each([
    ['undefined', undefined],
    ['a stamp without its end', 't:123'],
    ['a stamp that is not digits', 't:12a;u:x'],
    ['an empty stamp', 't:;u:x'],
    ['a stamped marker', 't:1;p:instance:7'],
    ['a stamp on nothing known', 't:1;x:y'],
    ['an unknown prefix', 'x:whatever'],
    ['broken JSON', 'se:["a","b"'],
    ['too few fields', 'se:["a","b"]'],
    ['a field that is not a string', 'ue:["a",1]'],
    ['an object', 'ue:{"userId":"a"}'],
  ])('%s is unknown (the listener drops everything)', (_, payload) => {
    expect(parseRevocation(payload)).toEqual({ kind: 'unknown' });
  });
});
