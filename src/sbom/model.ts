/**
 * The inventory model: what catalogers find, independent of any SBOM format or spec version.
 * Only `sbom/cyclonedx/` knows CycloneDX; only `advisories/` knows OSV. Metadata is a discriminated union,
 * so every consumer handles each kind explicitly.
 */

export type Ecosystem = 'pypi' | 'conda' | 'deb' | 'apk' | 'os' | 'generic';

/** Where a package's evidence lives: a path inside the target (POSIX, `/`-separated), maybe a line and layer. */
export interface Location {
  /** Path inside the target. Absolute (`/home/ray/...`) for trees, relative to the scan root for files. */
  path: string;
  line?: number;
  /** Digest of the image layer that introduced the file (images only). */
  layer?: string;
}

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface Hash {
  algorithm: HashAlgorithm;
  /** Lower-case hex. */
  value: string;
}

/** An SPDX license expression when one could be determined; otherwise the text the source gave. */
export type License = { expression: string } | { text: string };

/** A requirement as written in core metadata or a requirements file (PEP 508), kept raw and parsed. */
export interface DeclaredDependency {
  /** PEP 503-normalised name. */
  name: string;
  extras: string[];
  specifier: string;
  marker?: string;
  url?: string;
}

export interface PythonInstalledMetadata {
  kind: 'python-installed';
  format: 'dist-info' | 'egg-info';
  /** The name exactly as the metadata spells it (the package name is PEP 503-normalised). */
  rawName: string;
  summary?: string;
  homepage?: string;
  author?: string;
  requiresPython?: string;
  requiresDist: DeclaredDependency[];
  providesExtras: string[];
  /** Contents of INSTALLER (`pip`, `uv`, `conda`, ...). */
  installer?: string;
  /** PEP 610 direct_url.json, when the distribution was installed from a URL, a VCS or a local path. */
  directUrl?: DirectUrl;
  /** Wheel tags from the WHEEL file. */
  wheelTags: string[];
  /** Number of files RECORD lists, when there is a RECORD. */
  recordedFiles?: number;
  /** Directory holding the metadata directory (a site-packages, or a vendoring package's folder). */
  installDir: string;
  /** Top-level import names from top_level.txt, when the distribution has one. */
  topLevel?: string[];
  /**
   * Metadata files (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`) of other distributions that this one's
   * RECORD or installed-files.txt lists: copies it ships inside itself (tree paths).
   */
  vendoredMetadata?: string[];
}

export interface DirectUrl {
  url: string;
  editable?: boolean;
  vcs?: { vcs: string; commitId?: string; requestedRevision?: string };
  archiveHash?: string;
  /** `dir_info`, `archive_info` or `vcs_info`. */
  kind: 'dir' | 'archive' | 'vcs';
}

export type PythonDeclaredFormat =
  | 'requirements'
  | 'uv-lock'
  | 'poetry-lock'
  | 'pipfile-lock'
  | 'pylock'
  | 'pip-report'
  /** The `pip:` sub-list of a conda environment.yml. */
  | 'conda-environment';

/**
 * One file a lock allows installing for a package (a wheel, an sdist, an archive): where it lives and its
 * digests. A lock usually lists several per package (one wheel per platform plus the sdist); their hashes
 * describe those files, not the package, so they stay here (CycloneDX: `distribution` external references
 * with hashes) and only a package with exactly one artifact carries that artifact's hashes as its own.
 */
export interface DistributionArtifact {
  kind: 'wheel' | 'sdist' | 'archive';
  /** File name (`requests-2.32.3-py3-none-any.whl`) when the lock gives or implies one. */
  filename?: string;
  /** Download URL or path as the lock gives it, credentials redacted. */
  url?: string;
  hashes: Hash[];
}

export interface PythonDeclaredMetadata {
  kind: 'python-declared';
  format: PythonDeclaredFormat;
  rawName: string;
  /** Version specifier as declared (`==1.2.3`, `>=1,<2`), empty when any version is allowed. */
  specifier: string;
  /** True when the declaration names exactly one version (`==` without wildcard, `===`, or a lock entry). */
  pinned: boolean;
  extras: string[];
  marker?: string;
  /** Direct reference (`name @ URL`, a URL requirement or a lock's source URL). */
  url?: string;
  vcs?: { vcs: string; ref?: string; immutable: boolean };
  editable?: boolean;
  /** Index the lock file says the package comes from. */
  index?: string;
  /** Dependency groups / categories (`dev`, `main`, extras) the lock file assigns. */
  groups?: string[];
  /** Files the lock allows for this package, with their hashes (see DistributionArtifact). */
  artifacts?: DistributionArtifact[];
}

export interface CondaMetadata {
  kind: 'conda';
  /** Channel name or URL as recorded (`conda-forge`, `pypi`, `https://conda.anaconda.org/conda-forge`). */
  channel?: string;
  subdir?: string;
  build?: string;
  buildNumber?: number;
  /** Files the record lists, relative to the prefix. Kept only as a count plus the Python metadata dirs. */
  fileCount: number;
  /** dist-info / egg-info directories (prefix-relative) among the record's files: its PyPI identity. */
  pythonMetadataDirs: string[];
  /** The conda prefix the record belongs to. */
  prefix?: string;
  /** Where it was declared, for lock/environment files. */
  declared?: 'environment-yml' | 'explicit';
  /** The match spec as written in an environment file (`numpy=1.26`, `conda-forge::python>=3.10`). */
  spec?: string;
  url?: string;
}

export interface DpkgMetadata {
  kind: 'dpkg';
  architecture?: string;
  /** Source package name; equals the binary name when the status entry has no Source field. */
  source: string;
  /** Source package version; equals the binary version unless the Source field names one. */
  sourceVersion: string;
  maintainer?: string;
  installedSize?: number;
  status?: string;
  depends?: string[];
  files?: string[];
}

export interface ApkMetadata {
  kind: 'apk';
  architecture?: string;
  origin?: string;
  maintainer?: string;
  commit?: string;
  depends?: string[];
}

export interface OsMetadata {
  kind: 'os';
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike?: string[];
}

export interface GenericMetadata {
  kind: 'generic';
}

export type PackageMetadata =
  | PythonInstalledMetadata
  | PythonDeclaredMetadata
  | CondaMetadata
  | DpkgMetadata
  | ApkMetadata
  | OsMetadata
  | GenericMetadata;

export interface Package {
  /** Unique within one scan result; stable across runs on the same input. */
  id: string;
  ecosystem: Ecosystem;
  /** Ecosystem-normalised name (PEP 503 for PyPI). */
  name: string;
  /** Undefined for a declared requirement that allows a range. */
  version?: string;
  purl?: string;
  /** Name of the cataloger that found it. */
  foundBy: string;
  locations: Location[];
  hashes: Hash[];
  licenses: License[];
  metadata: PackageMetadata;
  /** The conda record of a package that conda and pip both describe (reconciled into one package). */
  condaRecord?: { location: Location; channel?: string; build?: string; purl?: string };
  /** The PyPI distribution a conda package installs (its dist-info), for advisory matching. */
  pythonDistribution?: { name: string; version: string; location: Location };
}

export type RelationshipType =
  /** `from` needs `to` at run time (Requires-Dist, lock graph, dpkg Depends). */
  | 'depends-on'
  /** `from` ships `to` inside itself (vendored copy, e.g. ray/thirdparty_files). */
  | 'vendors';

export interface Relationship {
  from: string;
  to: string;
  type: RelationshipType;
}

export type ProblemSeverity = 'warning' | 'error';

/** Something a cataloger or source could not read. The scan goes on; the problem is reported. */
export interface Problem {
  code: string;
  severity: ProblemSeverity;
  message: string;
  path?: string;
  line?: number;
  layer?: string;
  cataloger?: string;
}

export type TargetType = 'directory' | 'file' | 'image' | 'docker-archive' | 'oci-dir' | 'oci-archive';

export interface TargetDescription {
  type: TargetType;
  /** What the user named (a path or a reference), as given. */
  name: string;
  /** A version-like label for the target when one is known (an image tag, a directory name). */
  version?: string;
  /** Content digest of the target when it has one (image manifest digest). */
  digest?: string;
  /** Package URL of the target itself (`pkg:oci/...` for images), for the SBOM's `metadata.component`. */
  purl?: string;
  properties?: Record<string, string>;
}

/** The Python interpreter an installed environment belongs to, as read from the environment itself. */
export interface PythonEnvironment {
  /** Directory that holds the distributions (site-packages / dist-packages). */
  sitePackages: string;
  /** The prefix (venv or conda root), when known. */
  prefix?: string;
  pythonVersion?: string;
  /** Values for PEP 508 environment markers that could be determined. */
  markers: Record<string, string>;
}

/**
 * Where a requirements or lock file tells the installer to look for packages: the facts `raygate pins`
 * judges for dependency confusion and transport safety.
 */
export interface IndexDeclaration {
  kind:
    | 'index-url'
    | 'extra-index-url'
    | 'find-links'
    | 'trusted-host'
    | 'no-index'
    | 'index-strategy'
    | 'lock-source';
  /** URL, host or option value as written (credentials in URLs are redacted by the cataloger). */
  value: string;
  location: Location;
}

/**
 * A version constraint from a pip constraints file (`-c`): it narrows what may be installed but adds no
 * package, so it is kept apart from `packages` for the reports that judge pins.
 */
export interface DeclaredConstraint {
  /** PEP 503-normalised. */
  name: string;
  rawName: string;
  specifier: string;
  /** True when the constraint names exactly one version (`==` without wildcard, `===`). */
  pinned: boolean;
  version?: string;
  marker?: string;
  url?: string;
  hashes: Hash[];
  location: Location;
}

/**
 * An installer option a requirements file sets that is not an index (`--require-hashes`, `--pre`,
 * `--only-binary`, ...), or an include (`-r`/`-c`) with the path or URL as written.
 */
export interface InstallerOption {
  /** The option's long name as pip spells it (`--require-hashes`, `--requirement`). */
  name: string;
  value?: string;
  location: Location;
}

export interface ScanResult {
  target: TargetDescription;
  packages: Package[];
  relationships: Relationship[];
  problems: Problem[];
  environments: PythonEnvironment[];
  indexes: IndexDeclaration[];
  /** Pins from constraints files (`-c`); absent when no cataloger reported any. */
  constraints?: DeclaredConstraint[];
  /** Installer options from requirements files; absent when no cataloger reported any. */
  installerOptions?: InstallerOption[];
}
