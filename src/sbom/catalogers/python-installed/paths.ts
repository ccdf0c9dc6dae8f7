import { basenameOf, dirnameOf } from '../../sources/paths.ts';

/**
 * Where installed Python distributions keep their metadata. Path-only tests: they run for every file a
 * walk visits, so they look at the end of the path before anything else.
 */

/** `<dir>/<name>-<version>.dist-info/METADATA`. */
export function isDistInfoMetadata(path: string): boolean {
  return path.endsWith('.dist-info/METADATA') && basenameOf(dirnameOf(path)).length > '.dist-info'.length;
}

/** `<dir>/<name>-<version>.dist-info/RECORD`: read to notice a dist-info that has no METADATA. */
export function isDistInfoRecord(path: string): boolean {
  return path.endsWith('.dist-info/RECORD') && basenameOf(dirnameOf(path)).length > '.dist-info'.length;
}

export const DIST_INFO_SIBLINGS = [
  'RECORD',
  'INSTALLER',
  'WHEEL',
  'direct_url.json',
  'top_level.txt',
] as const;
const DIST_INFO_KEPT = new Set<string>(DIST_INFO_SIBLINGS);

/** Files of a dist-info read alongside its METADATA. */
export function isDistInfoSibling(path: string): boolean {
  return DIST_INFO_KEPT.has(basenameOf(path)) && dirnameOf(path).endsWith('.dist-info');
}

/**
 * egg-info metadata: `<name>.egg-info/PKG-INFO`, an unpacked egg's `EGG-INFO/PKG-INFO`, or a
 * `<name>.egg-info` *file* holding PKG-INFO itself (what distro packages install).
 */
export function isEggInfoMetadata(path: string): boolean {
  if (path.endsWith('.egg-info')) return basenameOf(path).length > '.egg-info'.length;
  if (path.endsWith('.egg-info/PKG-INFO')) return basenameOf(dirnameOf(path)).length > '.egg-info'.length;
  return path.endsWith('.egg/EGG-INFO/PKG-INFO');
}

export const EGG_INFO_SIBLINGS = ['requires.txt', 'top_level.txt', 'installed-files.txt'] as const;
const EGG_INFO_KEPT = new Set<string>(EGG_INFO_SIBLINGS);

export function isEggInfoSibling(path: string): boolean {
  if (!EGG_INFO_KEPT.has(basenameOf(path))) return false;
  const dir = dirnameOf(path);
  return dir.endsWith('.egg-info') || dir.endsWith('.egg/EGG-INFO');
}

/** The folder Python finds the distribution in: the one holding the dist-info, egg-info or egg. */
export function installDirOf(metadataDir: string): string {
  const parent = dirnameOf(metadataDir);
  return basenameOf(metadataDir) === 'EGG-INFO' ? dirnameOf(parent) : parent;
}

/**
 * A conda package cache entry (`<root>/pkgs/<name>-<version>-<build>/`, recognised by its
 * `info/index.json`) holds unpacked packages waiting to be linked, not installed ones.
 */
export function condaPackageCacheEntry(path: string): string | undefined {
  const m = /^(.*\/pkgs\/[^/]+-[^/]+-[^/]+)\//.exec(path);
  return m?.[1];
}

export function isCondaPackageCacheIndex(path: string): boolean {
  return path.endsWith('/info/index.json') && condaPackageCacheEntry(path) !== undefined;
}
