import { decodeText } from '../../../shared/text.ts';
import { toPurl } from '../../../shared/purl.ts';
import type { ApkMetadata, Package, Problem, Relationship } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import type { CatalogContext, CatalogFile, Cataloger, ParseResult } from '../cataloger.ts';
import { introducedIn } from '../dpkg/introduced-in.ts';
import { distroQualifier } from '../os-release/parse-os-release.ts';
import { isOsReleasePath, readDistro } from '../os-release/read-distro.ts';
import { apkDependencyName, parseApkInstalled } from './parse-installed.ts';
import type { ApkRecord } from './parse-installed.ts';

const INSTALLED = '/lib/apk/db/installed';

/**
 * Alpine (and Wolfi) packages from apk's installed database; purl
 * `pkg:apk/<os id>/<name>@<version>?arch=…&distro=<id>-<version_id>`.
 */
export const apkCataloger: Cataloger = {
  name: 'apk',
  tags: ['installed', 'os', 'image', 'directory'],
  fileRequired: (path) => path.endsWith(INSTALLED),
  keeps: isOsReleasePath,
  parse: parseApkFile,
};

async function parseApkFile(file: CatalogFile, context: CatalogContext): Promise<ParseResult> {
  const problems: Problem[] = [];
  const root = file.path.slice(0, file.path.length - INSTALLED.length);
  const distro = await readDistro(context, root);
  if (!distro) {
    problems.push({
      code: 'SBOM_DISTRO_UNKNOWN',
      severity: 'warning',
      message: `No os-release next to ${file.path}: apk package URLs carry no distro qualifier and assume namespace 'alpine'.`,
      path: file.path,
    });
  }
  const { records, malformedLines } = parseApkInstalled(decodeText(file.bytes).text);
  if (malformedLines.length > 0) {
    problems.push({
      code: 'SBOM_APK_MALFORMED',
      severity: 'warning',
      message: `${file.path}: ${malformedLines.length} line(s) are not 'K:value' records (first at line ${malformedLines[0]}).`,
      path: file.path,
      line: malformedLines[0]!,
    });
  }
  const introduced = await introducedIn(context, file.path, (bytes) => {
    const keys = new Set<string>();
    for (const r of parseApkInstalled(decodeText(bytes).text).records) keys.add(keyOf(r));
    return keys;
  });
  const packages: Package[] = [];
  const recordOf = new Map<Package, ApkRecord>();
  for (const record of records) {
    const name = record.fields.get('P');
    const version = record.fields.get('V');
    if (!name || !version) {
      problems.push({
        code: 'SBOM_APK_MALFORMED',
        severity: 'warning',
        message: `${file.path}: the record at line ${record.line} has no ${name ? 'V' : 'P'} field; skipped.`,
        path: file.path,
        line: record.line,
      });
      continue;
    }
    const f = record.fields;
    const architecture = f.get('A');
    const metadata: ApkMetadata = {
      kind: 'apk',
      ...(architecture ? { architecture } : {}),
      ...(f.get('o') ? { origin: f.get('o')! } : {}),
      ...(f.get('m') ? { maintainer: f.get('m')! } : {}),
      ...(f.get('c') ? { commit: f.get('c')! } : {}),
      ...(record.depends.length > 0 ? { depends: record.depends } : {}),
    };
    const layer = introduced.get(keyOf(record)) ?? file.layer;
    const license = f.get('L');
    const pkg: Package = {
      id: packageId('apk', name, version, file.path),
      ecosystem: 'apk',
      name,
      version,
      purl: toPurl({
        type: 'apk',
        namespace: distro?.id ?? 'alpine',
        name,
        version,
        qualifiers: { arch: architecture, distro: distro ? distroQualifier(distro) : undefined },
      }),
      foundBy: 'apk',
      locations: [{ path: file.path, line: record.line, ...(layer ? { layer } : {}) }],
      hashes: [],
      licenses: license ? [{ text: license }] : [],
      metadata,
    };
    packages.push(pkg);
    recordOf.set(pkg, record);
  }
  return { packages, relationships: relationshipsOf(packages, recordOf), problems };
}

function keyOf(record: ApkRecord): string {
  return `${record.fields.get('P')}\u0000${record.fields.get('V')}`;
}

function relationshipsOf(packages: Package[], recordOf: Map<Package, ApkRecord>): Relationship[] {
  const provider = new Map<string, Package>();
  for (const pkg of packages) provider.set(pkg.name, pkg);
  for (const pkg of packages) {
    for (const p of recordOf.get(pkg)!.provides) {
      const name = apkDependencyName(p);
      if (!provider.has(name)) provider.set(name, pkg);
    }
  }
  const relationships: Relationship[] = [];
  for (const pkg of packages) {
    for (const dep of recordOf.get(pkg)!.depends) {
      if (dep.startsWith('!')) continue;
      const target = provider.get(apkDependencyName(dep));
      if (target && target !== pkg) relationships.push({ from: pkg.id, to: target.id, type: 'depends-on' });
    }
  }
  return relationships;
}
