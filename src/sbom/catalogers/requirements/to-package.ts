import { toPurl } from '../../../shared/purl.ts';
import type { DeclaredConstraint, Hash, Location, Package, PythonDeclaredMetadata } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import { redactUrlCredentials } from '../../python/url-credentials.ts';
import { withoutFragment } from './links.ts';
import type { RequirementSpec } from './requirement-spec.ts';

export interface RequirementPlace {
  location: Location & { line: number };
  editable: boolean;
  /** `--hash` values of the line, already validated. */
  hashes: Hash[];
  cataloger: string;
}

/** One requirement line as an inventory package: named, located, with every hash pip would check. */
export function toPackage(spec: RequirementSpec, place: RequirementPlace): Package {
  const { location } = place;
  const metadata: PythonDeclaredMetadata = {
    kind: 'python-declared',
    format: 'requirements',
    rawName: spec.rawName,
    specifier: spec.specifier,
    pinned: spec.version !== undefined,
    extras: spec.extras,
  };
  if (spec.marker !== undefined) metadata.marker = spec.marker;
  const url = writtenSource(spec);
  if (url !== undefined) metadata.url = url;
  if (spec.source.kind === 'vcs') {
    const { vcs, ref, immutable } = spec.source.reference;
    metadata.vcs = { vcs, ...(ref !== undefined ? { ref } : {}), immutable };
  }
  if (place.editable) metadata.editable = true;

  const pkg: Package = {
    // The line is part of the id: one file may list a name twice under different markers.
    id: packageId('pypi', spec.name, spec.version, `${location.path}:${location.line}`),
    ecosystem: 'pypi',
    name: spec.name,
    foundBy: place.cataloger,
    locations: [location],
    hashes: mergeHashes(place.hashes, spec.linkHashes),
    licenses: [],
    metadata,
  };
  if (spec.version !== undefined) pkg.version = spec.version;
  const purl = purlOf(spec);
  if (purl !== undefined) pkg.purl = purl;
  return pkg;
}

/** A constraints-file line: what it allows, where it is; not a package. */
export function toConstraint(spec: RequirementSpec, location: Location, hashes: Hash[]): DeclaredConstraint {
  const constraint: DeclaredConstraint = {
    name: spec.name,
    rawName: spec.rawName,
    specifier: spec.specifier,
    pinned: spec.version !== undefined,
    hashes: mergeHashes(hashes, spec.linkHashes),
    location,
  };
  if (spec.version !== undefined) constraint.version = spec.version;
  if (spec.marker !== undefined) constraint.marker = spec.marker;
  const url = writtenSource(spec);
  if (url !== undefined) constraint.url = url;
  return constraint;
}

function writtenSource(spec: RequirementSpec): string | undefined {
  const { source } = spec;
  if (source.kind === 'url' || source.kind === 'vcs') return redactUrlCredentials(source.url);
  if (source.kind === 'path') return redactUrlCredentials(source.path);
  return undefined;
}

/** `pkg:pypi/name@version`, with `vcs_url` or `download_url` when the requirement names its source. */
function purlOf(spec: RequirementSpec): string | undefined {
  const qualifiers: Record<string, string> = {};
  if (spec.source.kind === 'vcs') {
    qualifiers.vcs_url = redactUrlCredentials(spec.source.reference.vcsUrl);
  } else if (spec.source.kind === 'url') {
    qualifiers.download_url = redactUrlCredentials(withoutFragment(spec.source.url));
  }
  try {
    return toPurl({ type: 'pypi', name: spec.name, version: spec.version, qualifiers });
  } catch {
    return undefined;
  }
}

function mergeHashes(...lists: Hash[][]): Hash[] {
  const seen = new Set<string>();
  const out: Hash[] = [];
  for (const hash of lists.flat()) {
    const key = `${hash.algorithm}:${hash.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hash);
  }
  return out;
}
