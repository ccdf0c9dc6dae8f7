import type { Package } from '../sbom/model.ts';
import { normalizePythonName } from '../sbom/python/names.ts';
import { parsePurl } from '../shared/purl.ts';
import { CONDA_PYPI_NAMES } from './conda-pypi-names.ts';

/**
 * What to ask an advisory source about one package: the OSV ecosystem(s), the name OSV uses there and the
 * version to compare. Debian and Ubuntu advisories name *source* packages, so a binary package is asked
 * about under its source name and source version.
 */
export interface AdvisoryQuery {
  /** OSV ecosystems to look in; the first is the release-specific one. */
  ecosystems: string[];
  /** The name as OSV writes it in that ecosystem (PEP 503 for PyPI). */
  name: string;
  version: string;
  /** How the package was mapped, when it is not the obvious way (a conda package asked about as PyPI). */
  via?: 'python-distribution' | 'dist-info' | 'conda-name-map' | 'source-package';
}

export type NotAssessedReason =
  'no-advisory-source' | 'no-exact-version' | 'distribution-release-unknown' | 'version-not-comparable';

export type QueryPlan = { query: AdvisoryQuery } | { notAssessed: NotAssessedReason; detail: string };

/** Packages that describe the target itself (the OS release) rather than something installed in it. */
export function isAssessable(pkg: Package): boolean {
  return pkg.ecosystem !== 'os';
}

export function planQuery(pkg: Package): QueryPlan {
  switch (pkg.ecosystem) {
    case 'pypi':
      return pkg.version
        ? { query: { ecosystems: ['PyPI'], name: normalizePythonName(pkg.name), version: pkg.version } }
        : noVersion(pkg);
    case 'conda':
      return planConda(pkg);
    case 'deb':
      return planDeb(pkg);
    case 'apk':
      return {
        notAssessed: 'no-advisory-source',
        detail: 'raygate does not yet order Alpine (apk) versions, so Alpine advisories cannot be matched',
      };
    default:
      return {
        notAssessed: 'no-advisory-source',
        detail: pkg.purl
          ? `no advisory source covers ${parsePurl(pkg.purl)?.type ?? 'this kind of'} package`
          : 'a file no package manager describes; no advisory source covers it',
      };
  }
}

function noVersion(pkg: Package): QueryPlan {
  return {
    notAssessed: 'no-exact-version',
    detail: `${pkg.name} has no exact version (a range or an unpinned requirement)`,
  };
}

function planConda(pkg: Package): QueryPlan {
  if (pkg.pythonDistribution) {
    return {
      query: {
        ecosystems: ['PyPI'],
        name: normalizePythonName(pkg.pythonDistribution.name),
        version: pkg.pythonDistribution.version,
        via: 'python-distribution',
      },
    };
  }
  if (pkg.metadata.kind === 'conda') {
    for (const dir of pkg.metadata.pythonMetadataDirs) {
      const dist = distributionOfMetadataDir(dir);
      if (dist) return { query: { ecosystems: ['PyPI'], ...dist, via: 'dist-info' } };
    }
  }
  const mapped = CONDA_PYPI_NAMES[pkg.name.toLowerCase()];
  if (mapped) {
    if (!pkg.version) return noVersion(pkg);
    return {
      query: {
        ecosystems: ['PyPI'],
        name: normalizePythonName(mapped),
        version: pkg.version,
        via: 'conda-name-map',
      },
    };
  }
  return {
    notAssessed: 'no-advisory-source',
    detail: 'a conda package that installs no Python distribution; OSV has no conda ecosystem',
  };
}

/** `lib/python3.11/site-packages/ray-2.6.3.dist-info` → ray 2.6.3 (wheel names escape `-` as `_`). */
export function distributionOfMetadataDir(dir: string): { name: string; version: string } | undefined {
  const base = dir.replace(/\/+$/, '').split('/').pop() ?? '';
  const match = /^(.+?)-([^-]+?)(?:-py\d[^-]*)?\.(?:dist-info|egg-info)$/.exec(base);
  if (!match) return undefined;
  return { name: normalizePythonName(match[1]!), version: match[2]! };
}

const DEBIAN_CODENAMES: Record<string, string> = {
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

function planDeb(pkg: Package): QueryPlan {
  const purl = pkg.purl ? parsePurl(pkg.purl) : undefined;
  const distro = purl?.qualifiers?.distro ?? '';
  const ecosystem = debianEcosystem(purl?.namespace, distro);
  if (!ecosystem) {
    return {
      notAssessed: 'distribution-release-unknown',
      detail: `the package URL names no Debian or Ubuntu release (distro qualifier '${distro}')`,
    };
  }
  const source = pkg.metadata.kind === 'dpkg' ? pkg.metadata.source : pkg.name;
  const version = pkg.metadata.kind === 'dpkg' ? pkg.metadata.sourceVersion : pkg.version;
  if (!version) return noVersion(pkg);
  return {
    query: {
      ecosystems: ecosystem,
      name: source,
      version,
      ...(source !== pkg.name || version !== pkg.version ? { via: 'source-package' as const } : {}),
    },
  };
}

/**
 * `distro=debian-12` → Debian:12; `distro=ubuntu-22.04` → Ubuntu:22.04:LTS (OSV spells LTS releases with a
 * `:LTS` suffix; LTS releases are the even years' April releases).
 */
export function debianEcosystem(namespace: string | undefined, distro: string): string[] | undefined {
  const match = /^(debian|ubuntu)-(.+)$/i.exec(distro.trim());
  const family = (match?.[1] ?? namespace ?? '').toLowerCase();
  const release = match?.[2] ?? distro.trim();
  if (family === 'debian') {
    const numeric = /^\d+/.exec(release)?.[0] ?? DEBIAN_CODENAMES[release.toLowerCase()];
    return numeric ? [`Debian:${numeric}`, 'Debian'] : undefined;
  }
  if (family === 'ubuntu') {
    const ver = /^(\d{2})\.(\d{2})/.exec(release);
    if (!ver) return undefined;
    const lts = ver[2] === '04' && Number(ver[1]) % 2 === 0;
    return [`Ubuntu:${ver[1]}.${ver[2]}${lts ? ':LTS' : ''}`];
  }
  return undefined;
}

/** The key records are indexed and looked up by: exact ecosystem, name normalised the ecosystem's way. */
export function advisoryKey(ecosystem: string, name: string): string {
  const base = ecosystem.split(':', 1)[0];
  return `${ecosystem}\u0000${base === 'PyPI' ? normalizePythonName(name) : name}`;
}

/** Every index key a query looks up. */
export function queryKeys(query: AdvisoryQuery): string[] {
  return query.ecosystems.map((e) => advisoryKey(e, query.name));
}

/** Identity of a query, for asking each distinct (ecosystem, name, version) once. */
export function queryId(query: AdvisoryQuery): string {
  return `${query.ecosystems.join(',')}\u0000${query.name}\u0000${query.version}`;
}
