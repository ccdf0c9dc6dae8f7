import type { DeclaredDependency, Package, Problem, PythonInstalledMetadata } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import {
  type CoreMetadata,
  metadataField,
  metadataFields,
  parseCoreMetadata,
} from '../../python/core-metadata.ts';
import type { ParsedDirectUrl } from '../../python/direct-url.ts';
import { isValidPythonName, normalizeExtra, normalizePythonName } from '../../python/names.ts';
import { parseRequirement, RequirementSyntaxError } from '../../python/pep508.ts';
import type { InstalledFiles } from '../../python/record.ts';
import { dirnameOf, resolveInside } from '../../sources/paths.ts';
import { toPurl } from '../../../shared/purl.ts';
import { decodeText, looksBinary } from '../../../shared/text.ts';
import { pythonLicenses } from './licenses.ts';

/** Everything read about one installed distribution: its metadata file and the files beside it. */
export interface InstalledDistribution {
  cataloger: string;
  format: PythonInstalledMetadata['format'];
  /** METADATA / PKG-INFO (or the egg-info file): the package's location. */
  metadataPath: string;
  /** The dist-info / egg-info folder, or the egg-info file itself. */
  metadataDir: string;
  installDir: string;
  metadataBytes: Uint8Array;
  installer?: string;
  wheelTags?: string[];
  directUrl?: ParsedDirectUrl;
  /** RECORD or installed-files.txt, with the folder its paths are relative to. */
  installedFiles?: { files: InstalledFiles; base: string; path: string };
  topLevel?: string[];
  /** requires.txt requirements, used when PKG-INFO lists no Requires-Dist. */
  eggRequirements?: string[];
}

/** Turns one installed distribution into a package, or into problems when its metadata is unusable. */
export function toInstalledPackage(dist: InstalledDistribution, problems: Problem[]): Package | undefined {
  const path = dist.metadataPath;
  // Warnings are kept only for a package that is reported: an unusable file gets one clear error.
  const warnings: Problem[] = [];
  const warn = (code: string, message: string) =>
    warnings.push({ code, severity: 'warning', message, path, cataloger: dist.cataloger });
  const reject = (code: string, message: string) => {
    problems.push({ code, severity: 'error', message, path, cataloger: dist.cataloger });
    return undefined;
  };

  if (looksBinary(dist.metadataBytes)) {
    return reject('SBOM_PYTHON_METADATA_BINARY', `${path} is binary data, not Python core metadata.`);
  }
  const decoded = decodeText(dist.metadataBytes);
  if (decoded.fallback) {
    warn('SBOM_TEXT_NOT_UTF8', `${path} is not UTF-8; read as Latin-1.`);
  }
  const core = parseCoreMetadata(decoded.text);
  if (core.strayLine !== undefined) {
    warn(
      'SBOM_PYTHON_METADATA_MALFORMED',
      `${path} line ${core.strayLine} is neither a field nor a continuation; the fields after it are ignored, as Python ignores them.`,
    );
  }
  const metadataVersion = metadataField(core, 'Metadata-Version');
  if (metadataVersion !== undefined && !/^[12]\.\d+$/.test(metadataVersion)) {
    warn(
      'SBOM_PYTHON_METADATA_VERSION_UNKNOWN',
      `${path} declares Metadata-Version ${metadataVersion}; read as 2.x.`,
    );
  }
  const rawName = metadataField(core, 'Name');
  if (rawName === undefined || !isValidPythonName(rawName)) {
    return reject(
      'SBOM_PYTHON_METADATA_INVALID',
      rawName === undefined
        ? `${path} has no Name field; not a usable distribution.`
        : `${path} names the distribution '${rawName.slice(0, 80)}', which is not a valid name.`,
    );
  }
  const name = normalizePythonName(rawName);
  const version = metadataField(core, 'Version');
  if (version === undefined) {
    warn('SBOM_PYTHON_METADATA_NO_VERSION', `${path} has no Version field.`);
  }

  const metadata: PythonInstalledMetadata = {
    kind: 'python-installed',
    format: dist.format,
    rawName,
    requiresDist: declaredDependencies(core, dist, warn),
    providesExtras: [...new Set(metadataFields(core, 'Provides-Extra').map(normalizeExtra))],
    wheelTags: dist.wheelTags ?? [],
    installDir: dist.installDir,
  };
  const summary = metadataField(core, 'Summary');
  if (summary) metadata.summary = summary.split('\n')[0]!;
  const homepage = homepageOf(core);
  if (homepage) metadata.homepage = homepage;
  const author = metadataField(core, 'Author') ?? metadataField(core, 'Author-email');
  if (author) metadata.author = author.split('\n')[0]!;
  const requiresPython = metadataField(core, 'Requires-Python');
  if (requiresPython) metadata.requiresPython = requiresPython;
  if (dist.installer) metadata.installer = dist.installer;
  if (dist.directUrl) metadata.directUrl = dist.directUrl.directUrl;
  if (dist.topLevel && dist.topLevel.length > 0) metadata.topLevel = dist.topLevel;
  if (dist.installedFiles) {
    const { files, base } = dist.installedFiles;
    metadata.recordedFiles = files.paths.length;
    const vendored = vendoredMetadataPaths(files.paths, base, dist.metadataDir);
    if (vendored.length > 0) metadata.vendoredMetadata = vendored;
    if (files.malformedRows > 0) {
      warnings.push({
        code: 'SBOM_PYTHON_RECORD_MALFORMED',
        severity: 'warning',
        message: `${dist.installedFiles.path} has ${files.malformedRows} malformed row(s); they were skipped.`,
        path: dist.installedFiles.path,
        cataloger: dist.cataloger,
      });
    }
  }

  const { licenses, invalidExpression } = pythonLicenses(core);
  if (invalidExpression !== undefined) {
    warn(
      'SBOM_LICENSE_EXPRESSION_INVALID',
      `${path} has License-Expression '${invalidExpression.slice(0, 200)}', which is not a valid SPDX expression; kept as text.`,
    );
  }

  problems.push(...warnings);
  return {
    id: packageId('pypi', name, version, path),
    ecosystem: 'pypi',
    name,
    ...(version !== undefined ? { version } : {}),
    purl: toPurl({ type: 'pypi', name, version }),
    foundBy: dist.cataloger,
    locations: [{ path }],
    hashes: dist.directUrl?.hashes ?? [],
    licenses,
    metadata,
  };
}

/** Real requirements are a few hundred characters; a bound keeps marker nesting (and recursion) small. */
const MAX_REQUIREMENT_LENGTH = 4096;

function declaredDependencies(
  core: CoreMetadata,
  dist: InstalledDistribution,
  warn: (code: string, message: string) => void,
): DeclaredDependency[] {
  let lines = metadataFields(core, 'Requires-Dist');
  if (lines.length === 0 && dist.eggRequirements) lines = dist.eggRequirements;
  const out: DeclaredDependency[] = [];
  for (const line of lines) {
    if (line.length > MAX_REQUIREMENT_LENGTH) {
      warn(
        'SBOM_PYTHON_REQUIREMENT_INVALID',
        `${dist.metadataPath}: a requirement of ${line.length} characters is longer than any real one; skipped.`,
      );
      continue;
    }
    try {
      const r = parseRequirement(line);
      const dep: DeclaredDependency = { name: r.name, extras: r.extras, specifier: r.specifier };
      if (r.markerText !== undefined) dep.marker = r.markerText;
      if (r.url !== undefined) dep.url = r.url;
      out.push(dep);
    } catch (error) {
      if (!(error instanceof RequirementSyntaxError)) throw error;
      warn(
        'SBOM_PYTHON_REQUIREMENT_INVALID',
        `${dist.metadataPath}: requirement '${line.slice(0, 120)}' is not valid PEP 508 (${error.message}); skipped.`,
      );
    }
  }
  return out;
}

function homepageOf(core: CoreMetadata): string | undefined {
  const homepage = metadataField(core, 'Home-page');
  if (homepage && homepage.toUpperCase() !== 'UNKNOWN') return homepage;
  for (const entry of metadataFields(core, 'Project-URL')) {
    const comma = entry.indexOf(',');
    if (comma < 0) continue;
    const label = entry
      .slice(0, comma)
      .trim()
      .toLowerCase()
      .replace(/[-_.\s]/g, '');
    if (label === 'homepage' || label === 'home') return entry.slice(comma + 1).trim();
  }
  return undefined;
}

/** Metadata files of other distributions that a RECORD lists: copies this distribution ships (vendors). */
function vendoredMetadataPaths(paths: readonly string[], base: string, ownMetadataDir: string): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    if (!(p.endsWith('.dist-info/METADATA') || p.endsWith('.egg-info/PKG-INFO') || p.endsWith('.egg-info')))
      continue;
    const resolved = resolveInside(base, p);
    if (resolved === undefined) continue;
    const dir = p.endsWith('.egg-info') ? resolved : dirnameOf(resolved);
    if (dir !== ownMetadataDir && resolved !== ownMetadataDir) out.add(resolved);
  }
  return [...out].sort();
}
