// The module's routes, called from the page's own origin: the browser sends the HttpOnly cookies and
// `Sec-Fetch-Site: same-origin`, which is what the module's origin check asks of a cookie-authenticated change.

let refreshing;

async function send(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, retryAfter: response.headers.get('Retry-After') };
}

// One refresh at a time: a second one would present the refresh token the first has just traded.
function refresh() {
  refreshing ??= send('POST', '/auth/refresh', {}).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/**
 * Calls a route with the access cookie. A 401 may only mean that the cookie expired (the browser drops it after 15
 * minutes): the refresh cookie gets a new one and the call is tried once more. When the session has ended, the refused
 * refresh makes the browser forget both cookies.
 */
export async function call(method, path, body) {
  const first = await send(method, path, body);
  if (first.status !== 401) return first;
  const renewed = await refresh();
  return renewed.status === 200 ? send(method, path, body) : first;
}

/** The demo's sign-in: in cookie mode the answer sets both cookies and holds no token. */
export const signIn = (email, password) => send('POST', '/auth/login', { email, password });

/** A sentence for a refusal: the body's description, and when to try again after a rate limit. */
export function problemOf(answer) {
  const text = answer.body?.description ?? answer.body?.message ?? `The demo answered ${answer.status}.`;
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  return answer.retryAfter ? `${sentence} Try again in ${answer.retryAfter} seconds.` : sentence;
}

export const UNREACHABLE = 'The demo did not answer. Is it still running?';
