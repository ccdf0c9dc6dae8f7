import { decodeText } from '../../../shared/text.ts';
import type { CatalogContext } from '../cataloger.ts';
import { parseOsRelease } from './parse-os-release.ts';
import type { OsRelease } from './parse-os-release.ts';

/** Where os-release(5) lives, in the order the specification says to look. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** True for an os-release file at any root (`/etc/os-release`, `/chroot/usr/lib/os-release`). */
export function isOsReleasePath(path: string): boolean {
  return OS_RELEASE_PATHS.some((p) => path.endsWith(p));
}

/**
 * The distribution a package database belongs to, read from the os-release of the same root: `root` is
 * the prefix above `/var/lib/dpkg` or `/lib/apk` (empty for the target's own root). Package URLs of
 * distro packages need it (`distro=debian-12`), so the catalogers read it themselves through the scan's
 * bounded reader rather than leaving a processor to patch purls afterwards.
 */
export async function readDistro(context: CatalogContext, root: string): Promise<OsRelease | undefined> {
  for (const p of OS_RELEASE_PATHS) {
    const path = `${root}${p}`;
    if (!context.exists(path)) continue;
    const bytes = await context.read(path);
    if (!bytes) continue;
    const release = parseOsRelease(decodeText(bytes).text);
    if (release) return release;
  }
  return undefined;
}
