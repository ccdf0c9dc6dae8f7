import type {
  DistributionArtifact,
  Location,
  Package,
  PythonDeclaredFormat,
  PythonDeclaredMetadata,
} from '../../model.ts';
import { packageId } from '../../package-id.ts';
import { normalizePythonName } from '../../python/names.ts';
import { toPurl } from '../../../shared/purl.ts';
import { componentHashes } from './hashes.ts';
import { isFullCommit, isPublicPypi, isWebUrl, redactUrl, vcsDirectUrl, type VcsReference } from './urls.ts';

/** Where a locked package comes from. */
export type PythonSource =
  | { kind: 'registry'; index?: string }
  | { kind: 'vcs'; ref: VcsReference }
  | { kind: 'url'; url: string }
  | { kind: 'path'; path: string; editable?: boolean };

export interface DeclaredPythonInput {
  foundBy: string;
  format: PythonDeclaredFormat;
  location: Location;
  rawName: string;
  version?: string;
  /** Defaults to `==version` for a lock entry with a version, empty otherwise. */
  specifier?: string;
  /** Defaults to true exactly when there is a version. */
  pinned?: boolean;
  extras?: string[];
  marker?: string;
  source?: PythonSource;
  /** Installed in development mode (pip `-e`); path sources may say so themselves. */
  editable?: boolean;
  artifacts?: DistributionArtifact[];
  groups?: string[];
  /** Makes the id unique when one file holds the same name and version twice (forked locks). */
  idQualifier?: string;
}

/**
 * Builds a `python-declared` package: PEP 503 name, purl with `vcs_url` / `download_url` /
 * `repository_url` qualifiers where the source makes them meaningful, hashes per `componentHashes`.
 */
export function declaredPythonPackage(input: DeclaredPythonInput): Package {
  const name = normalizePythonName(input.rawName);
  const version = input.version;
  const artifacts = input.artifacts ?? [];
  const source = input.source;

  const metadata: PythonDeclaredMetadata = {
    kind: 'python-declared',
    format: input.format,
    rawName: input.rawName,
    specifier: input.specifier ?? (version !== undefined ? `==${version}` : ''),
    pinned: input.pinned ?? version !== undefined,
    extras: input.extras ?? [],
  };
  if (input.marker) metadata.marker = input.marker;
  const qualifiers: Record<string, string | undefined> = {};
  if (source?.kind === 'registry' && source.index) {
    const index = redactUrl(source.index);
    metadata.index = index;
    if (isWebUrl(index) && !isPublicPypi(index)) qualifiers.repository_url = index;
  } else if (source?.kind === 'vcs') {
    const url = vcsDirectUrl(source.ref);
    metadata.url = url;
    metadata.vcs = { vcs: source.ref.vcs, immutable: isFullCommit(source.ref.ref) };
    if (source.ref.ref) metadata.vcs.ref = source.ref.ref;
    qualifiers.vcs_url = url;
  } else if (source?.kind === 'url') {
    const url = redactUrl(source.url);
    metadata.url = url;
    if (isWebUrl(url)) qualifiers.download_url = url;
  } else if (source?.kind === 'path') {
    metadata.url = source.path;
  }
  if (input.editable || (source?.kind === 'path' && source.editable)) metadata.editable = true;
  if (input.groups && input.groups.length > 0) metadata.groups = [...new Set(input.groups)].sort();
  if (artifacts.length > 0) metadata.artifacts = artifacts;

  const idPath = input.idQualifier ? `${input.location.path}#${input.idQualifier}` : input.location.path;
  const pkg: Package = {
    id: packageId('pypi', name, version, idPath),
    ecosystem: 'pypi',
    name,
    purl: toPurl({ type: 'pypi', name, version, qualifiers }),
    foundBy: input.foundBy,
    locations: [input.location],
    hashes: componentHashes(artifacts),
    licenses: [],
    metadata,
  };
  if (version !== undefined) pkg.version = version;
  return pkg;
}

/**
 * True for a source that is the lock's own folder (`.`): the project the lock is for. It is the subject of
 * the SBOM, not one of its components, and its name and version are whatever the project says.
 */
export function isProjectItself(source: PythonSource | undefined): boolean {
  return source?.kind === 'path' && /^(\.|\.\/|)$/.test(source.path.trim());
}
