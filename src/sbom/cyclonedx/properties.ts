/**
 * Names of the CycloneDX properties raygate writes (README.md in this folder documents each one).
 * Where the official CycloneDX property taxonomy (github.com/CycloneDX/cyclonedx-property-taxonomy)
 * registers a name for a fact, that name is used; everything else lives under raygate's own `raygate:`
 * namespace, whose names follow the taxonomy's syntax (lower-case, `:`-delimited, `[a-z0-9_-]`).
 */
export const CDX = {
  /** cdx.md: the document was generated reproducibly. */
  reproducible: 'cdx:reproducible',
  /** cdx/python.md: PEP 508 environment marker of a declared requirement. */
  pythonMarker: 'cdx:python:package:marker',
  /** cdx/python.md: an extra that was required. */
  pythonRequiredExtra: 'cdx:python:package:required-extra',
  /** cdx/python.md: PEP 610 `vcs_info.requested_revision`. */
  pythonVcsRequestedRevision: 'cdx:python:package:source:vcs:requested_revision',
  /** cdx/python.md: PEP 610 `vcs_info.commit_id`. */
  pythonVcsCommitId: 'cdx:python:package:source:vcs:commit_id',
  /** cdx/python.md: PEP 610 `dir_info.editable`. */
  pythonLocalEditable: 'cdx:python:package:source:local:editable',
  /** cdx/poetry.md: a Poetry dependency group. */
  poetryGroup: 'cdx:poetry:group',
  /** cdx/pipenv.md: a Pipfile.lock category. */
  pipenvCategory: 'cdx:pipenv:category',
} as const;

export const RAYGATE = {
  foundBy: 'raygate:found-by',
  ecosystem: 'raygate:ecosystem',
  /** Indexed: `raygate:location:<n>:path|line|layer`. */
  location: (n: number, field: 'path' | 'line' | 'layer') => `raygate:location:${n}:${field}`,
  vendoredBy: 'raygate:vendored-by',
  invalidPurl: 'raygate:invalid-purl',
  /** `<algorithm>:<hex>`, when a source gives several digests of one algorithm (one per artifact). */
  artifactHash: 'raygate:artifact-hash',
  declaredArtifact: 'raygate:declared:artifact',

  pythonMetadataFormat: 'raygate:python:metadata-format',
  pythonRawName: 'raygate:python:raw-name',
  pythonInstallDir: 'raygate:python:install-dir',
  pythonInstaller: 'raygate:python:installer',
  pythonRequiresPython: 'raygate:python:requires-python',
  /** Only when the homepage is not an absolute URL (absolute ones are `website` external references). */
  pythonHomepage: 'raygate:python:homepage',
  pythonWheelTag: 'raygate:python:wheel-tag',
  pythonProvidesExtra: 'raygate:python:provides-extra',
  pythonRecordFiles: 'raygate:python:record-files',
  pythonDirectUrl: 'raygate:python:direct-url',
  pythonDirectUrlKind: 'raygate:python:direct-url:kind',
  pythonDirectUrlVcs: 'raygate:python:direct-url:vcs',
  pythonDirectUrlArchiveHash: 'raygate:python:direct-url:archive-hash',

  declaredFormat: 'raygate:declared:format',
  declaredSpecifier: 'raygate:declared:specifier',
  declaredPinned: 'raygate:declared:pinned',
  declaredUrl: 'raygate:declared:url',
  declaredVcs: 'raygate:declared:vcs',
  declaredVcsImmutable: 'raygate:declared:vcs-immutable',
  declaredIndex: 'raygate:declared:index',
  declaredGroup: 'raygate:declared:group',

  condaChannel: 'raygate:conda:channel',
  condaSubdir: 'raygate:conda:subdir',
  condaBuild: 'raygate:conda:build',
  condaBuildNumber: 'raygate:conda:build-number',
  condaFileCount: 'raygate:conda:file-count',
  condaPythonMetadataDir: 'raygate:conda:python-metadata-dir',
  condaPrefix: 'raygate:conda:prefix',
  condaDeclaredIn: 'raygate:conda:declared-in',
  condaUrl: 'raygate:conda:url',

  dpkgSource: 'raygate:dpkg:source',
  dpkgSourceVersion: 'raygate:dpkg:source-version',
  dpkgArchitecture: 'raygate:dpkg:architecture',
  dpkgMaintainer: 'raygate:dpkg:maintainer',
  dpkgInstalledSize: 'raygate:dpkg:installed-size',
  dpkgStatus: 'raygate:dpkg:status',
  dpkgFileCount: 'raygate:dpkg:file-count',

  apkArchitecture: 'raygate:apk:architecture',
  apkOrigin: 'raygate:apk:origin',
  apkMaintainer: 'raygate:apk:maintainer',
  apkCommit: 'raygate:apk:commit',

  osId: 'raygate:os:id',
  osVersionId: 'raygate:os:version-id',
  osCodename: 'raygate:os:codename',
  osIdLike: 'raygate:os:id-like',

  condaRecordPath: 'raygate:conda-record:path',
  condaRecordLayer: 'raygate:conda-record:layer',
  condaRecordChannel: 'raygate:conda-record:channel',
  condaRecordBuild: 'raygate:conda-record:build',
  condaRecordPurl: 'raygate:conda-record:purl',

  pythonDistributionName: 'raygate:python-distribution:name',
  pythonDistributionVersion: 'raygate:python-distribution:version',
  pythonDistributionPath: 'raygate:python-distribution:path',

  targetType: 'raygate:target:type',
  targetDigest: 'raygate:target:digest',
  /** A source-specific fact about the target (`raygate:target:property:<key>`). */
  targetProperty: (key: string) => `raygate:target:property:${propertyNamePart(key)}`,

  problem: 'raygate:problem',
  problemCount: 'raygate:problem-count',
  problemCountBySeverity: (severity: string) => `raygate:problem-count:${severity}`,

  /** Indexed: `raygate:python-environment:<n>:site-packages|prefix|python-version`. */
  environment: (n: number, field: 'site-packages' | 'prefix' | 'python-version') =>
    `raygate:python-environment:${n}:${field}`,
  environmentMarker: (n: number, marker: string) =>
    `raygate:python-environment:${n}:marker:${propertyNamePart(marker)}`,
  /** Indexed: `raygate:index:<n>:kind|value|path|line|layer`. */
  index: (n: number, field: 'kind' | 'value' | 'path' | 'line' | 'layer') => `raygate:index:${n}:${field}`,
} as const;

/** Keeps a name segment within the taxonomy's character set: anything else becomes `_`. */
export function propertyNamePart(value: string): string {
  return value.replace(/[^A-Za-z0-9_ -]/g, '_') || '_';
}
