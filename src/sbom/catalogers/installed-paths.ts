/**
 * Folders that belong to an installed environment. Declared catalogers (lock and requirement files) do not
 * look inside them: a `requirements.txt` shipped inside some package's folder in site-packages describes
 * that package's development, not what is installed, and would add packages that are not really there.
 */
const INSTALLED_SEGMENTS = ['/site-packages/', '/dist-packages/', '/conda-meta/', '/node_modules/'];

export function isInsideInstalledEnvironment(path: string): boolean {
  if (INSTALLED_SEGMENTS.some((s) => path.includes(s))) return true;
  // A conda package cache (`<prefix>/pkgs/<name>-<ver>-<build>/...`) holds unpacked packages, not installs.
  return /\/pkgs\/[^/]+-[^/]+-[^/]+\//.test(path);
}
