import type { CatalogContext } from '../cataloger.ts';

/**
 * Names the layer that introduced each package recorded in a database file every installing layer
 * rewrites (dpkg status, apk installed): walking the file's versions from the newest down, a package
 * was introduced by the oldest layer of the unbroken run of versions that still list it with the same
 * version. Returns a lookup from package key to layer digest; empty for targets without layers.
 */
export async function introducedIn(
  context: CatalogContext,
  path: string,
  keysOf: (bytes: Uint8Array) => Set<string>,
): Promise<Map<string, string>> {
  const versions = (await context.history?.(path)) ?? [];
  const result = new Map<string, string>();
  if (versions.length === 0) return result;
  const keySets = versions.map((v) => keysOf(v.bytes));
  const newest = keySets[keySets.length - 1]!;
  for (const key of newest) {
    let index = keySets.length - 1;
    while (index > 0 && keySets[index - 1]!.has(key)) index--;
    result.set(key, versions[index]!.layer);
  }
  return result;
}
