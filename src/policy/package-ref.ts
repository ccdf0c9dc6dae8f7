import { normalizePythonName } from '../sbom/python/names.ts';
import { parsePurl } from '../shared/purl.ts';

/** A package as reasons name it and exceptions match it. */
export interface PackageRef {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
}

/** Ecosystems whose names compare case- and separator-insensitively (PEP 503). */
const PYTHON = new Set(['pypi']);

/** `pkg:pypi/ray@2.58.0` when the package has a purl, else `pypi/ray@2.58.0`. */
export function packageLabel(pkg: {
  ecosystem: string;
  name: string;
  version?: string;
  purl?: string;
}): string {
  return pkg.purl ?? `${pkg.ecosystem}/${pkg.name}${pkg.version ? `@${pkg.version}` : ''}`;
}

/** Reads a purl or an `ecosystem/name[@version]` label. */
export function parsePackageRef(value: string): PackageRef | undefined {
  if (value.startsWith('pkg:')) {
    const p = parsePurl(value);
    if (!p) return undefined;
    return {
      type: p.type,
      ...(p.namespace ? { namespace: p.namespace } : {}),
      name: p.name,
      ...(p.version ? { version: p.version } : {}),
    };
  }
  const match = /^([a-z0-9.+-]+)\/([^@]+?)(?:@(.+))?$/i.exec(value);
  if (!match) return undefined;
  const [, type, name, version] = match;
  return { type: type!.toLowerCase(), name: name!, ...(version ? { version } : {}) };
}

/**
 * True when `pattern` (a purl or label, versioned or not) names `target`: same type, namespace and name
 * (PEP 503-normalised for PyPI), and the same version when the pattern has one.
 */
export function packageMatches(pattern: string, target: string): boolean {
  const p = parsePackageRef(pattern);
  const t = parsePackageRef(target);
  if (!p || !t) return false;
  if (p.type !== t.type) return false;
  const norm = (name: string) => (PYTHON.has(p.type) ? normalizePythonName(name) : name.toLowerCase());
  if ((p.namespace ?? '').toLowerCase() !== (t.namespace ?? '').toLowerCase()) return false;
  if (norm(p.name) !== norm(t.name)) return false;
  return p.version === undefined || p.version === t.version;
}
