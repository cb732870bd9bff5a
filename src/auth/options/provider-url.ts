/** A loopback host may serve a provider over plain http (development, tests); any other must use https. */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** The value, when it is an https URL (or http on a loopback host); otherwise an error naming the option field. */
export function providerUrl(value: unknown, field: string): string {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // Reported below.
  }
  if (
    typeof value !== 'string' ||
    !url ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)))
  )
    throw new Error(`AuthModule: ${field} must be an https URL (got ${JSON.stringify(value)})`);
  return value;
}
