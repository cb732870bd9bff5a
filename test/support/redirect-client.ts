/** One answer the agent received. */
export interface AgentResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

/**
 * What a browser does for a redirect-based sign-in, without one: follows redirects by hand and keeps each host's
 * cookies (name and value, per host:port; paths and expiry as far as the flows here need).
 */
export class RedirectAgent {
  private readonly jars = new Map<string, Map<string, string>>();

  /** The cookie names the agent holds for the origin of `url`. */
  cookieNames(url: string): string[] {
    return [...(this.jars.get(new URL(url).host)?.keys() ?? [])];
  }

  /** One request, no redirect followed. */
  async send(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<AgentResponse> {
    const target = new URL(url);
    const jar = this.jars.get(target.host);
    const headers: Record<string, string> = {};
    if (jar?.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(target.host, response.headers.getSetCookie());
    return { url: target.href, status: response.status, headers: response.headers, text: await response.text() };
  }

  /** Follows redirects from `url` (at most 10) and returns the last answer, and the URLs it went through. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const visited: string[] = [];
    let response = await this.send(url, init);
    visited.push(response.url);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops++) {
      const next = new URL(response.headers.get('location')!, response.url).href;
      response = await this.send(next);
      visited.push(response.url);
    }
    return { ...response, visited };
  }

  private store(host: string, setCookies: string[]): void {
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, setting = ''] = attribute.trim().split('=');
        return (
          (key.toLowerCase() === 'max-age' && Number(setting) <= 0) ||
          (key.toLowerCase() === 'expires' && Date.parse(setting) <= Date.now())
        );
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
}
