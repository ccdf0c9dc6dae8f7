import { parsePurl, toPurl } from '../../shared/purl.ts';
import type { Ecosystem, Location, Package, PackageMetadata } from '../model.ts';
import { packageId } from '../package-id.ts';
import { normalizePythonName } from '../python/names.ts';

/** Facts about a package beyond its purl that an SBOM may carry (a dpkg source package, a found-at path). */
export interface PackageHints {
  locations?: Location[];
  /** Source package name and version (dpkg), when the SBOM records them. */
  source?: string;
  sourceVersion?: string;
  foundBy?: string;
  /** Distinguishes two components with the same purl (a bom-ref). */
  ref?: string;
}

const ECOSYSTEMS: Record<string, Ecosystem> = { pypi: 'pypi', conda: 'conda', deb: 'deb', apk: 'apk' };

/**
 * A Package from a package URL: what `raygate scan pkg:pypi/ray@2.6.3` and a CycloneDX SBOM give. Returns
 * undefined for text that is not a purl. Debian source packages come from the hints, else from syft's
 * `upstream` qualifier (`upstream=openssl` or `upstream=openssl@3.0.11-1`), else the binary package itself.
 */
export function purlToPackage(purl: string, hints: PackageHints = {}): Package | undefined {
  const parts = parsePurl(purl);
  if (!parts) return undefined;
  const ecosystem = ECOSYSTEMS[parts.type] ?? 'generic';
  const name = parts.type === 'pypi' ? normalizePythonName(parts.name) : parts.name;
  const version = parts.version;
  const locations = hints.locations ?? [];
  const canonical = toPurl(parts);
  return {
    id: packageId(ecosystem, name, version, hints.ref ?? locations[0]?.path ?? canonical),
    ecosystem,
    name,
    ...(version ? { version } : {}),
    purl: canonical,
    foundBy: hints.foundBy ?? 'purl',
    locations,
    hashes: [],
    licenses: [],
    metadata: metadataFor(ecosystem, parts.qualifiers ?? {}, name, version, hints),
  };
}

function metadataFor(
  ecosystem: Ecosystem,
  qualifiers: Record<string, string | undefined>,
  name: string,
  version: string | undefined,
  hints: PackageHints,
): PackageMetadata {
  if (ecosystem === 'deb') {
    const upstream = qualifiers.upstream ?? '';
    const at = upstream.indexOf('@');
    const upstreamName = at >= 0 ? upstream.slice(0, at) : upstream;
    const upstreamVersion = at >= 0 ? upstream.slice(at + 1) : '';
    return {
      kind: 'dpkg',
      ...(qualifiers.arch ? { architecture: qualifiers.arch } : {}),
      source: hints.source || upstreamName || name,
      sourceVersion: hints.sourceVersion || upstreamVersion || version || '',
    };
  }
  if (ecosystem === 'conda') {
    return {
      kind: 'conda',
      ...(qualifiers.channel ? { channel: qualifiers.channel } : {}),
      ...(qualifiers.subdir ? { subdir: qualifiers.subdir } : {}),
      ...(qualifiers.build ? { build: qualifiers.build } : {}),
      fileCount: 0,
      pythonMetadataDirs: [],
    };
  }
  if (ecosystem === 'apk')
    return { kind: 'apk', ...(qualifiers.arch ? { architecture: qualifiers.arch } : {}) };
  return { kind: 'generic' };
}
