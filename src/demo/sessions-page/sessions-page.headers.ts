/**
 * Sent with the page and each of its files. The page loads nothing from elsewhere, so the policy allows only its own
 * origin: an injected script or style would not run, a form could not post anywhere, and no other site may frame it.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Revalidated on every load: a restarted demo may serve another version of the page.
  'Cache-Control': 'no-cache',
};
