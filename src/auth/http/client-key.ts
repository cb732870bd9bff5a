import ipaddr from 'ipaddr.js';

/**
 * The rate limit's key for a client address: IPv4 as it is, IPv6 by its /64 network (one subscriber
 * usually holds a whole /64, so keying by full address would give each of them 2^64 budgets), and an
 * IPv4-mapped IPv6 address as the IPv4 address it maps. Which address a request has (the socket's, or
 * a forwarded one) is the HTTP adapter's trust-proxy setting.
 */
export function clientKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return address ?? 'unknown';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  return `${ipv6.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}
