import { isIP } from 'node:net';

/** The address groups Express knows by name (proxy-addr's `loopback`, `linklocal`, `uniquelocal`). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUSTED_PROXIES: the reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` the service
 * believes, as addresses, CIDR ranges or Express's group names, comma-separated. Empty (the
 * default): those headers are ignored, since any client could write them.
 */
export function trustedProxiesFromEnv(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const wrong = entries.filter((entry) => !isAddressOrRange(entry));
  if (wrong.length > 0) {
    throw new Error(
      `Environment variable TRUSTED_PROXIES: ${wrong.map((entry) => `"${entry}"`).join(', ')} is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
    );
  }
  return entries;
}
