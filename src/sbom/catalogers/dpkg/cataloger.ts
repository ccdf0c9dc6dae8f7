import { decodeText } from '../../../shared/text.ts';
import { toPurl } from '../../../shared/purl.ts';
import type { DpkgMetadata, Package, Problem, Relationship } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import type { CatalogContext, CatalogFile, Cataloger, ParseResult } from '../cataloger.ts';
import { distroQualifier } from '../os-release/parse-os-release.ts';
import type { OsRelease } from '../os-release/parse-os-release.ts';
import { isOsReleasePath, readDistro } from '../os-release/read-distro.ts';
import { introducedIn } from './introduced-in.ts';
import { isPresent, parseDeb822, parseRelationField, parseSourceField } from './parse-status.ts';
import type { Stanza } from './parse-status.ts';

export interface DpkgCatalogerOptions {
  /** Also read `info/<pkg>.list` and record each package's files (larger SBOMs). */
  files?: boolean;
}

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';
const INFO = '/var/lib/dpkg/info/';

/** The root a dpkg database belongs to: the part of the path before `/var/lib/dpkg/` ('' for `/`). */
function rootOf(path: string): string {
  return path.slice(0, path.indexOf('/var/lib/dpkg/'));
}

function isStatusPath(path: string): boolean {
  if (path.endsWith(STATUS)) return true;
  const i = path.indexOf(STATUS_D);
  if (i === -1) return false;
  const name = path.slice(i + STATUS_D.length);
  // status.d holds one stanza file per package plus its .md5sums (distroless).
  return name !== '' && !name.includes('/') && !name.endsWith('.md5sums') && !name.endsWith('.preinst');
}

/**
 * Debian packages from dpkg's database: `/var/lib/dpkg/status`, and the `status.d/` files distroless
 * images use instead. Each package carries its architecture, source package name and version (what
 * Debian and Ubuntu advisories are keyed by), maintainer and installed size; its purl is
 * `pkg:deb/<os id>/<name>@<version>?arch=…&distro=<id>-<version_id>`, the distro read from the same
 * root's os-release.
 */
export function dpkgCataloger(options: DpkgCatalogerOptions = {}): Cataloger {
  return {
    name: 'dpkg',
    tags: ['installed', 'os', 'image', 'directory'],
    fileRequired: isStatusPath,
    keeps: (path) =>
      isOsReleasePath(path) || (options.files === true && path.includes(INFO) && path.endsWith('.list')),
    parse: (file, context) => parseDpkgFile(file, context, options),
  };
}

export const DPKG_CATALOGER = dpkgCataloger();

async function parseDpkgFile(
  file: CatalogFile,
  context: CatalogContext,
  options: DpkgCatalogerOptions,
): Promise<ParseResult> {
  const problems: Problem[] = [];
  const root = rootOf(file.path);
  const distro = await readDistro(context, root);
  if (!distro) {
    problems.push({
      code: 'SBOM_DISTRO_UNKNOWN',
      severity: 'warning',
      message: `No os-release next to ${file.path}: Debian package URLs carry no distro qualifier and assume namespace 'debian'.`,
      path: file.path,
    });
  }
  const decoded = decodeText(file.bytes);
  const { stanzas, malformedLines } = parseDeb822(decoded.text);
  if (malformedLines.length > 0) {
    problems.push({
      code: 'SBOM_DPKG_MALFORMED',
      severity: 'warning',
      message: `${file.path}: ${malformedLines.length} line(s) are neither a field nor a continuation (first at line ${malformedLines[0]}).`,
      path: file.path,
      line: malformedLines[0]!,
    });
  }
  const introduced = await introducedIn(context, file.path, statusKeys);

  const packages: Package[] = [];
  const stanzaOf = new Map<Package, Stanza>();
  for (const stanza of stanzas) {
    const name = stanza.fields.get('Package');
    const version = stanza.fields.get('Version');
    if (!name || !version) {
      problems.push({
        code: 'SBOM_DPKG_MALFORMED',
        severity: 'warning',
        message: `${file.path}: the stanza at line ${stanza.line} has no ${name ? 'Version' : 'Package'} field; skipped.`,
        path: file.path,
        line: stanza.line,
      });
      continue;
    }
    if (!isPresent(stanza.fields.get('Status'), file.path.includes(STATUS_D))) continue;
    const pkg = toPackage(stanza, name, version, file, distro, introduced.get(keyOf(stanza)));
    if (options.files) {
      const files = await readFileList(context, root, name, stanza.fields.get('Architecture'));
      if (files) (pkg.metadata as DpkgMetadata).files = files;
    }
    packages.push(pkg);
    stanzaOf.set(pkg, stanza);
  }
  return { packages, relationships: relationshipsOf(packages, stanzaOf), problems };
}

function keyOf(stanza: Stanza): string {
  return `${stanza.fields.get('Package')}\u0000${stanza.fields.get('Architecture') ?? ''}\u0000${stanza.fields.get('Version')}`;
}

function statusKeys(bytes: Uint8Array): Set<string> {
  const keys = new Set<string>();
  for (const stanza of parseDeb822(decodeText(bytes).text).stanzas) {
    if (stanza.fields.get('Package') && isPresent(stanza.fields.get('Status'))) keys.add(keyOf(stanza));
  }
  return keys;
}

function toPackage(
  stanza: Stanza,
  name: string,
  version: string,
  file: CatalogFile,
  distro: OsRelease | undefined,
  introducedLayer: string | undefined,
): Package {
  const f = stanza.fields;
  const architecture = f.get('Architecture');
  const source = parseSourceField(f.get('Source'));
  const installedSize = Number(f.get('Installed-Size'));
  const depends = [...parseRelationField(f.get('Pre-Depends')), ...parseRelationField(f.get('Depends'))].map(
    (g) => g.join(' | '),
  );
  const metadata: DpkgMetadata = {
    kind: 'dpkg',
    source: source.name ?? name,
    sourceVersion: source.version ?? version,
    ...(architecture ? { architecture } : {}),
    ...(f.get('Maintainer') ? { maintainer: f.get('Maintainer')! } : {}),
    ...(Number.isFinite(installedSize) && f.has('Installed-Size') ? { installedSize } : {}),
    ...(f.get('Status') ? { status: f.get('Status')! } : {}),
    ...(depends.length > 0 ? { depends } : {}),
  };
  const layer = introducedLayer ?? file.layer;
  return {
    id: packageId('deb', name, `${version}${architecture ? `:${architecture}` : ''}`, file.path),
    ecosystem: 'deb',
    name,
    version,
    purl: toPurl({
      type: 'deb',
      namespace: distro?.id ?? 'debian',
      name,
      version,
      qualifiers: { arch: architecture, distro: distro ? distroQualifier(distro) : undefined },
    }),
    foundBy: 'dpkg',
    locations: [{ path: file.path, line: stanza.line, ...(layer ? { layer } : {}) }],
    hashes: [],
    licenses: [],
    metadata,
  };
}

/** `Depends`/`Pre-Depends` edges to packages of the same database (first alternative present, or a provider). */
function relationshipsOf(packages: Package[], stanzaOf: Map<Package, Stanza>): Relationship[] {
  const byName = new Map<string, Package>();
  for (const pkg of packages) if (!byName.has(pkg.name)) byName.set(pkg.name, pkg);
  for (const pkg of packages) {
    for (const group of parseRelationField(stanzaOf.get(pkg)!.fields.get('Provides'))) {
      for (const virtual of group) if (!byName.has(virtual)) byName.set(virtual, pkg);
    }
  }
  const relationships: Relationship[] = [];
  for (const pkg of packages) {
    const f = stanzaOf.get(pkg)!.fields;
    for (const group of [
      ...parseRelationField(f.get('Pre-Depends')),
      ...parseRelationField(f.get('Depends')),
    ]) {
      const target = group.map((n) => byName.get(n)).find((p) => p !== undefined);
      if (target && target !== pkg) relationships.push({ from: pkg.id, to: target.id, type: 'depends-on' });
    }
  }
  return relationships;
}

async function readFileList(
  context: CatalogContext,
  root: string,
  name: string,
  architecture: string | undefined,
): Promise<string[] | undefined> {
  const candidates = [`${root}${INFO}${name}.list`];
  if (architecture) candidates.unshift(`${root}${INFO}${name}:${architecture}.list`);
  for (const path of candidates) {
    if (!context.exists(path)) continue;
    const bytes = await context.read(path);
    if (!bytes) continue;
    return decodeText(bytes)
      .text.split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && l !== '/.');
  }
  return undefined;
}
