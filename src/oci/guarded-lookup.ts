import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { HostGuard } from './host-policy.ts';

/**
 * A DNS lookup for undici's `connect.lookup` that checks every address a name resolves to against the
 * guard, at connect time: a name that passed the allow-list cannot rebind to a private or link-local
 * address between the check and the connection.
 */
export function guardedLookup(guard: HostGuard) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        const named = guard.isNameAllowed(hostname);
        for (const a of addresses) guard.checkAddress(a.address, hostname, named);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
