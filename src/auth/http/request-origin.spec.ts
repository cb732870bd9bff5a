import { describe, expect, it } from 'vitest';
import { changesState, fromAllowedOrigin, type OriginSource } from './request-origin.js';

const request = (headers: OriginSource['headers'], host = 'api.example.test', protocol = 'https'): OriginSource => ({
  method: 'POST',
  headers,
  host,
  protocol,
});

describe('fromAllowedOrigin', () => {
  it.each([
    ['Sec-Fetch-Site: same-origin', request({ 'sec-fetch-site': 'same-origin' }), true],
    ['the own origin', request({ origin: 'https://api.example.test' }), true],
    ['the own origin in capitals', request({ origin: 'HTTPS://API.EXAMPLE.TEST' }), true],
    [
      'the own origin, the Host naming the default port',
      request({ origin: 'https://api.example.test' }, 'api.example.test:443'),
      true,
    ],
    ['the own origin on an IPv6 host', request({ origin: 'http://[::1]:3000' }, '[::1]:3000', 'http'), true],
    ['a listed origin', request({ origin: 'https://app.example.test' }), true],
    ['another port of the own host', request({ origin: 'https://api.example.test:8443' }), false],
    ['the own host in another scheme', request({ origin: 'http://api.example.test' }), false],
    ['a same-site page', request({ 'sec-fetch-site': 'same-site', origin: 'https://www.example.test' }), false],
    ['Origin "null"', request({ origin: 'null' }), false],
    ['neither header', request({}), false],
    ['no Host to compare with', request({ origin: 'https://api.example.test' }, ''), false],
  ])('%s: %s', (_name, source, allowed) => {
    expect(fromAllowedOrigin(source, ['https://app.example.test'])).toBe(allowed);
  });
});

describe('changesState', () => {
  it.each([
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
  ])('%s: %s', (method, changes) => {
    expect(changesState({ method, headers: {} })).toBe(changes);
  });
});
