import { BlockList, isIP } from 'node:net';
import { RaygateError } from '../shared/errors.ts';

/**
 * Which registry hosts raygate may talk to. It runs before every request (registry API, token realm,
 * blob redirect) and again on every address a name resolves to, so neither a crafted image reference, a
 * token realm nor a redirect can aim raygate at an internal service: the same guard will protect the API
 * server from SSRF. Private, loopback, link-local and other non-public ranges are denied unless allowed.
 */
export interface HostPolicy {
  /** Host names (`name` or `name:port`), IP addresses or CIDR ranges allowed even if not public. */
  allow?: readonly string[];
  /** Host names, IP addresses or CIDR ranges always refused (checked first). */
  deny?: readonly string[];
}

const NON_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
];

const nonPublic = new BlockList();
for (const [net, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(net, prefix, family);

/** Splits `host[:port]` / `[v6]:port` into a lower-case host and an optional port. */
export function splitHostPort(value: string): { host: string; port?: string } {
  const v = value.trim().toLowerCase();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) return bracket[2] ? { host: bracket[1]!, port: bracket[2] } : { host: bracket[1]! };
  if (isIP(v) === 6) return { host: v };
  const colon = v.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(v.slice(colon + 1)))
    return { host: v.slice(0, colon), port: v.slice(colon + 1) };
  return { host: v };
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is checked as the IPv4 address it carries. */
function unmap(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

interface CompiledPolicy {
  names: Set<string>;
  ranges: BlockList;
}

function compile(entries: readonly string[] | undefined): CompiledPolicy {
  const names = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries ?? []) {
    const e = entry.trim().toLowerCase();
    if (e === '') continue;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(e);
    if (cidr && isIP(cidr[1]!)) {
      ranges.addSubnet(cidr[1]!, Number(cidr[2]), isIP(cidr[1]!) === 6 ? 'ipv6' : 'ipv4');
      continue;
    }
    const { host, port } = splitHostPort(e);
    // A bare address covers every port; `address:port` only that port (checked by name in checkHost).
    if (isIP(host) && !port) {
      const u = unmap(host);
      ranges.addAddress(u.address, u.family);
    }
    names.add(port ? `${host}:${port}` : host);
  }
  return { names, ranges };
}

export class HostGuard {
  private readonly allow: CompiledPolicy;
  private readonly deny: CompiledPolicy;

  constructor(policy: HostPolicy = {}) {
    this.allow = compile(policy.allow);
    this.deny = compile(policy.deny);
  }

  /**
   * Checks a host before any connection. Returns true when the host is explicitly allowed (its addresses
   * then need no check); throws OCI_HOST_DENIED when it is denied, or is a literal non-public address.
   */
  checkHost(hostPort: string): boolean {
    const { host, port } = splitHostPort(hostPort);
    const keyed = port ? `${host}:${port}` : host;
    if (this.deny.names.has(host) || this.deny.names.has(keyed))
      throw denied(hostPort, 'it is on the deny list');
    if (isIP(host)) {
      this.checkAddress(host, hostPort, this.allow.names.has(keyed) || this.allow.names.has(host));
      return true;
    }
    return this.allow.names.has(host) || this.allow.names.has(keyed);
  }

  /** True when the user allowed this host name (with or without a port). */
  isNameAllowed(host: string): boolean {
    const h = host.toLowerCase();
    if (this.allow.names.has(h)) return true;
    for (const name of this.allow.names) if (name.startsWith(`${h}:`)) return true;
    return false;
  }

  /** Checks one address a host name resolved to (or a literal address). */
  checkAddress(address: string, hostPort: string, hostAllowed = false): void {
    const u = unmap(address);
    if (this.deny.ranges.check(u.address, u.family)) throw denied(hostPort, `${address} is on the deny list`);
    if (hostAllowed || this.allow.ranges.check(u.address, u.family)) return;
    if (nonPublic.check(u.address, u.family)) {
      throw denied(
        hostPort,
        `it resolves to ${address}, a private, loopback or link-local address; allow it explicitly (--allow-registry-host or --insecure-registry) if it is yours`,
      );
    }
  }
}

function denied(host: string, why: string): RaygateError {
  return new RaygateError('OCI_HOST_DENIED', 'forbidden', `Refusing to contact ${host}: ${why}.`);
}
