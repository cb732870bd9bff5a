/** What the origin check reads of a request; Express and Fastify requests both have these. */
export interface OriginSource {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** `http` or `https`, `X-Forwarded-Proto` believed as the adapter's trust-proxy setting says. */
  protocol?: string;
  /** The Host header (with its port), `X-Forwarded-Host` believed as the adapter's trust-proxy setting says. */
  host?: string;
}

/** Methods a browser sends cross-origin without a preflight, or that change state by convention. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const changesState = (request: OriginSource): boolean => STATE_CHANGING.has(request.method);

/** The origin the request was sent to, as the adapter sees it (`<protocol>://<host>`), or undefined without a Host. */
function ownOrigin(request: OriginSource): string | undefined {
  if (!request.protocol || !request.host) return undefined;
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether a page of the request's own origin, or of one of `allowed`, sent it. `Sec-Fetch-Site: same-origin` is set by
 * the browser and cannot be forged by a page; otherwise `Origin` must be the request's own origin or a listed one. A
 * request with neither header is refused: browsers send `Origin` on every cross-origin POST.
 */
export function fromAllowedOrigin(request: OriginSource, allowed: readonly string[]): boolean {
  if (request.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const sent = origin.toLowerCase();
  return sent === ownOrigin(request) || allowed.includes(sent);
}
