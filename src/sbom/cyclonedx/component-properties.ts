import type { Location, Package, PackageMetadata, PythonDeclaredMetadata } from '../model.ts';
import { compareStrings } from '../scan.ts';
import { CDX, RAYGATE } from './properties.ts';

export type PropertyList = [name: string, value: string][];

/**
 * Every fact about a package that CycloneDX has no field for, as properties in a fixed order: first what
 * all packages have (cataloger, ecosystem, locations), then the metadata of its kind, then links to the
 * other records it was reconciled with. Multi-valued facts are sorted, so the order never depends on
 * the order a cataloger happened to produce them in.
 */
export function packageProperties(
  pkg: Package,
  vendoredBy: readonly string[],
  invalidPurl: boolean,
): PropertyList {
  const out: PropertyList = [];
  const add = (name: string, value: string | number | boolean | undefined) => {
    if (value !== undefined && value !== '') out.push([name, String(value)]);
  };
  const addAll = (name: string, values: readonly string[] | undefined) => {
    for (const v of [...new Set(values ?? [])].sort(compareStrings)) add(name, v);
  };

  add(RAYGATE.foundBy, pkg.foundBy);
  add(RAYGATE.ecosystem, pkg.ecosystem);
  if (invalidPurl) add(RAYGATE.invalidPurl, pkg.purl);
  sortLocations(pkg.locations).forEach((location, n) => addLocation(add, location, n));
  addAll(RAYGATE.vendoredBy, vendoredBy);
  addMetadata(pkg, pkg.metadata, add, addAll);

  if (pkg.condaRecord) {
    add(RAYGATE.condaRecordPath, pkg.condaRecord.location.path);
    add(RAYGATE.condaRecordLayer, pkg.condaRecord.location.layer);
    add(RAYGATE.condaRecordChannel, pkg.condaRecord.channel);
    add(RAYGATE.condaRecordBuild, pkg.condaRecord.build);
    add(RAYGATE.condaRecordPurl, pkg.condaRecord.purl);
  }
  if (pkg.pythonDistribution) {
    add(RAYGATE.pythonDistributionName, pkg.pythonDistribution.name);
    add(RAYGATE.pythonDistributionVersion, pkg.pythonDistribution.version);
    add(RAYGATE.pythonDistributionPath, pkg.pythonDistribution.location.path);
  }
  return out;
}

/** Locations by path, then line, then layer: the order the table and the properties show them in. */
export function sortLocations(locations: readonly Location[]): Location[] {
  return [...locations].sort(
    (a, b) =>
      compareStrings(a.path, b.path) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareStrings(a.layer ?? '', b.layer ?? ''),
  );
}

type Add = (name: string, value: string | number | boolean | undefined) => void;
type AddAll = (name: string, values: readonly string[] | undefined) => void;

function addLocation(add: Add, location: Location, n: number) {
  add(RAYGATE.location(n, 'path'), location.path);
  add(RAYGATE.location(n, 'line'), location.line);
  add(RAYGATE.location(n, 'layer'), location.layer);
}

function addMetadata(pkg: Package, metadata: PackageMetadata, add: Add, addAll: AddAll) {
  switch (metadata.kind) {
    case 'python-installed': {
      add(RAYGATE.pythonMetadataFormat, metadata.format);
      if (metadata.rawName !== pkg.name) add(RAYGATE.pythonRawName, metadata.rawName);
      add(RAYGATE.pythonInstallDir, metadata.installDir);
      add(RAYGATE.pythonInstaller, metadata.installer);
      add(RAYGATE.pythonRequiresPython, metadata.requiresPython);
      // An absolute homepage URL is a `website` external reference; anything else would be lost there.
      if (metadata.homepage && !URL.canParse(metadata.homepage))
        add(RAYGATE.pythonHomepage, metadata.homepage);
      addAll(RAYGATE.pythonWheelTag, metadata.wheelTags);
      addAll(RAYGATE.pythonProvidesExtra, metadata.providesExtras);
      add(RAYGATE.pythonRecordFiles, metadata.recordedFiles);
      const direct = metadata.directUrl;
      if (direct) {
        add(RAYGATE.pythonDirectUrl, direct.url);
        add(RAYGATE.pythonDirectUrlKind, direct.kind);
        add(RAYGATE.pythonDirectUrlVcs, direct.vcs?.vcs);
        add(CDX.pythonVcsRequestedRevision, direct.vcs?.requestedRevision);
        add(CDX.pythonVcsCommitId, direct.vcs?.commitId);
        add(RAYGATE.pythonDirectUrlArchiveHash, direct.archiveHash);
        if (direct.editable) add(CDX.pythonLocalEditable, true);
      }
      return;
    }
    case 'python-declared':
      addDeclared(pkg, metadata, add, addAll);
      return;
    case 'conda':
      add(RAYGATE.condaChannel, metadata.channel);
      add(RAYGATE.condaSubdir, metadata.subdir);
      add(RAYGATE.condaBuild, metadata.build);
      add(RAYGATE.condaBuildNumber, metadata.buildNumber);
      add(RAYGATE.condaFileCount, metadata.fileCount);
      addAll(RAYGATE.condaPythonMetadataDir, metadata.pythonMetadataDirs);
      add(RAYGATE.condaPrefix, metadata.prefix);
      add(RAYGATE.condaDeclaredIn, metadata.declared);
      add(RAYGATE.condaUrl, metadata.url);
      return;
    case 'dpkg':
      add(RAYGATE.dpkgSource, metadata.source);
      add(RAYGATE.dpkgSourceVersion, metadata.sourceVersion);
      add(RAYGATE.dpkgArchitecture, metadata.architecture);
      add(RAYGATE.dpkgMaintainer, metadata.maintainer);
      add(RAYGATE.dpkgInstalledSize, metadata.installedSize);
      add(RAYGATE.dpkgStatus, metadata.status);
      add(RAYGATE.dpkgFileCount, metadata.files?.length);
      return;
    case 'apk':
      add(RAYGATE.apkArchitecture, metadata.architecture);
      add(RAYGATE.apkOrigin, metadata.origin);
      add(RAYGATE.apkMaintainer, metadata.maintainer);
      add(RAYGATE.apkCommit, metadata.commit);
      return;
    case 'os':
      add(RAYGATE.osId, metadata.id);
      add(RAYGATE.osVersionId, metadata.versionId);
      add(RAYGATE.osCodename, metadata.versionCodename);
      addAll(RAYGATE.osIdLike, metadata.idLike);
      return;
    case 'generic':
      return;
    default: {
      const unhandled: never = metadata;
      throw new Error(`unhandled package metadata ${JSON.stringify(unhandled)}`);
    }
  }
}

function addDeclared(pkg: Package, metadata: PythonDeclaredMetadata, add: Add, addAll: AddAll) {
  add(RAYGATE.declaredFormat, metadata.format);
  if (metadata.rawName !== pkg.name) add(RAYGATE.pythonRawName, metadata.rawName);
  add(RAYGATE.declaredSpecifier, metadata.specifier);
  add(RAYGATE.declaredPinned, metadata.pinned);
  add(CDX.pythonMarker, metadata.marker);
  addAll(CDX.pythonRequiredExtra, metadata.extras);
  add(RAYGATE.declaredUrl, metadata.url);
  if (metadata.vcs) {
    add(RAYGATE.declaredVcs, metadata.vcs.vcs);
    add(CDX.pythonVcsRequestedRevision, metadata.vcs.ref);
    add(RAYGATE.declaredVcsImmutable, metadata.vcs.immutable);
  }
  if (metadata.editable) add(CDX.pythonLocalEditable, true);
  add(RAYGATE.declaredIndex, metadata.index);
  const groupProperty =
    metadata.format === 'poetry-lock'
      ? CDX.poetryGroup
      : metadata.format === 'pipfile-lock'
        ? CDX.pipenvCategory
        : RAYGATE.declaredGroup;
  addAll(groupProperty, metadata.groups);
  // Artifacts with an absolute URL become distribution references; the rest (poetry lists file names
  // only) keep their hashes here, one `<file> <algorithm>:<hex>` per hash.
  addAll(
    RAYGATE.declaredArtifact,
    (metadata.artifacts ?? [])
      .filter((a) => a.url === undefined || !URL.canParse(a.url))
      .flatMap((a) =>
        a.hashes.map((h) => `${a.filename ?? a.url ?? a.kind} ${h.algorithm}:${h.value.toLowerCase()}`),
      ),
  );
}
