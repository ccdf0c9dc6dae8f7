import { basenameOf, dirnameOf } from '../../sources/paths.ts';
import { isInsideInstalledEnvironment } from '../installed-paths.ts';

/**
 * Which files are pip requirements files, by name alone. pip itself does not care how a file is named, so
 * a scan goes by the conventions projects follow:
 *
 * - any `.txt` or `.in` file whose name contains `requirements` (`requirements.txt`, `requirements-dev.txt`,
 *   `dev-requirements.in`, `requirements_compiled_ray_img_3.9.txt`);
 * - any `.txt` or `.in` file directly inside a folder named `requirements` (`requirements/base.txt`),
 *   except the usual documentation files (README, LICENSE, ...);
 *
 * case-insensitively, and never inside an installed environment (a `requirements.txt` shipped in some
 * package's folder under site-packages describes that package's development, not this install).
 * `MANIFEST.in`, `requirement.txt`, `requirements.txt.bak` and nested `requirements/ml/x.txt` are not
 * requirements files by these rules.
 */
const EXTENSION = /\.(?:txt|in)$/;
const DOCUMENTATION = /^(?:readme|license|licence|notice|changelog|changes|authors|copying|contributing)\b/;

export function isRequirementsFileName(path: string): boolean {
  const lower = path.toLowerCase();
  const name = basenameOf(lower);
  if (!EXTENSION.test(name)) return false;
  if (name.includes('requirements')) return true;
  return basenameOf(dirnameOf(lower)) === 'requirements' && !DOCUMENTATION.test(name);
}

export function isRequirementsFile(path: string): boolean {
  return isRequirementsFileName(path) && !isInsideInstalledEnvironment(path);
}

/** A file the user names explicitly is read as requirements when it is any `.txt` or `.in` file. */
export function isAcceptedRequirementsFile(path: string): boolean {
  return EXTENSION.test(basenameOf(path.toLowerCase()));
}
