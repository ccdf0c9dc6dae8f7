import type { PythonEnvironment } from '../model.ts';
import { basenameOf, dirnameOf } from '../sources/paths.ts';
import { tagEvidence } from './wheel-tags.ts';

/**
 * The interpreter an installed environment belongs to, read from the environment itself: a venv's
 * pyvenv.cfg, a conda prefix's python record, the `lib/pythonX.Y` folder, the tags of installed wheels.
 * What no evidence tells stays unknown, and marker evaluation (markers.ts) treats it as unknown.
 */

const SITE_DIRS = new Set(['site-packages', 'dist-packages']);

/** A folder that Python puts on sys.path for installed distributions. */
export function isSitePackagesDir(path: string): boolean {
  return SITE_DIRS.has(basenameOf(path));
}

/** The nearest site-packages / dist-packages folder that is `path` or contains it. */
export function enclosingSitePackages(path: string): string | undefined {
  const parts = path.split('/');
  for (let i = parts.length; i > 0; i--) {
    if (SITE_DIRS.has(parts[i - 1]!)) return parts.slice(0, i).join('/') || '/';
  }
  return undefined;
}

/** What the folder layout alone says: weak evidence, overridden by anything read from the environment. */
export interface LayoutEvidence {
  prefix?: string;
  /** `X.Y` from a `lib/pythonX.Y/` folder. */
  pythonVersion?: string;
  implementation?: 'cpython' | 'pypy';
  platform?: 'posix' | 'windows';
}

export function layoutEvidence(sitePackages: string): LayoutEvidence {
  const parent = dirnameOf(sitePackages);
  const parentName = basenameOf(parent);
  const versioned = /^(python|pypy)(\d+\.\d+)[a-z]*$/.exec(parentName);
  if (versioned && basenameOf(dirnameOf(parent)) === 'lib') {
    return {
      prefix: dirnameOf(dirnameOf(parent)),
      pythonVersion: versioned[2]!,
      implementation: versioned[1] === 'pypy' ? 'pypy' : undefined,
      platform: 'posix',
    };
  }
  // Debian's /usr/lib/python3/dist-packages is shared by every python3 version the system has.
  if (parentName === 'python3' && basenameOf(dirnameOf(parent)) === 'lib') {
    return { prefix: dirnameOf(dirnameOf(parent)), platform: 'posix' };
  }
  if (parentName === 'Lib') return { prefix: dirnameOf(parent), platform: 'windows' };
  return {};
}

const POSIX_DEFAULT = { sys_platform: 'linux', os_name: 'posix', platform_system: 'Linux' };
const WINDOWS_DEFAULT = { sys_platform: 'win32', os_name: 'nt', platform_system: 'Windows' };
const DARWIN = { sys_platform: 'darwin', os_name: 'posix', platform_system: 'Darwin' };

/** `version = 3.11.7` / `version_info = 3.12.1.final.0`, `implementation`, `home` from a venv's pyvenv.cfg. */
export interface PyvenvConfig {
  version?: string;
  implementation?: string;
  home?: string;
}

export function parsePyvenvCfg(text: string): PyvenvConfig {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    // Later entries win, as in CPython's site.py.
    if (/^[a-z0-9_-]+$/.test(key)) values.set(key, line.slice(eq + 1).trim());
  }
  const config: PyvenvConfig = {};
  const version = /^(\d+\.\d+(?:\.\d+)?)/.exec(values.get('version') ?? values.get('version_info') ?? '');
  if (version) config.version = version[1]!;
  const implementation = values.get('implementation');
  if (implementation) config.implementation = implementation;
  const home = values.get('home');
  if (home) config.home = home;
  return config;
}

/** The environment a pyvenv.cfg describes, at the site-packages folder its interpreter version implies. */
export function environmentFromPyvenv(cfgPath: string, config: PyvenvConfig): PythonEnvironment | undefined {
  const prefix = dirnameOf(cfgPath);
  const markers: Record<string, string> = {};
  const windows = config.home !== undefined && /^[A-Za-z]:[\\/]|\\/.test(config.home);
  if (windows) Object.assign(markers, WINDOWS_DEFAULT);
  const implementation = config.implementation?.toLowerCase();
  if (implementation === 'cpython' || implementation === 'pypy') {
    markers.implementation_name = implementation;
    markers.platform_python_implementation = implementation === 'pypy' ? 'PyPy' : 'CPython';
  }
  addVersionMarkers(markers, config.version);
  const minor = config.version?.split('.').slice(0, 2).join('.');
  let rel: string;
  if (windows) rel = 'Lib/site-packages';
  else if (minor !== undefined)
    rel = `lib/${implementation === 'pypy' ? 'pypy' : 'python'}${minor}/site-packages`;
  else return undefined;
  const environment: PythonEnvironment = {
    sitePackages: prefix === '/' ? `/${rel}` : `${prefix}/${rel}`,
    prefix,
    markers,
  };
  if (config.version) environment.pythonVersion = config.version;
  return environment;
}

/** Marker values a conda `subdir` (linux-64, osx-arm64, win-64, ...) determines. */
export function markersFromCondaSubdir(subdir: string | undefined): Record<string, string> {
  const m = /^(linux|osx|win)-(.+)$/.exec(subdir ?? '');
  if (!m) return {};
  const os = m[1]!;
  const arch = m[2]!;
  const base = os === 'linux' ? POSIX_DEFAULT : os === 'osx' ? DARWIN : WINDOWS_DEFAULT;
  const machine =
    os === 'win'
      ? { '64': 'AMD64', '32': 'x86', arm64: 'ARM64' }[arch]
      : os === 'osx'
        ? { '64': 'x86_64', arm64: 'arm64' }[arch]
        : {
            '64': 'x86_64',
            '32': 'i686',
            aarch64: 'aarch64',
            ppc64le: 'ppc64le',
            s390x: 's390x',
            armv7l: 'armv7l',
          }[arch];
  return machine ? { ...base, platform_machine: machine } : { ...base };
}

/** The environment a conda prefix's `python` record describes. */
export function environmentFromCondaPython(record: {
  prefix: string;
  version: string;
  build?: string;
  subdir?: string;
  files: readonly string[];
}): PythonEnvironment | undefined {
  const minor = /^(\d+\.\d+)/.exec(record.version)?.[1];
  if (!minor) return undefined;
  const markers: Record<string, string> = { ...markersFromCondaSubdir(record.subdir) };
  const pypy = record.build?.includes('pypy') ?? false;
  markers.implementation_name = pypy ? 'pypy' : 'cpython';
  markers.platform_python_implementation = pypy ? 'PyPy' : 'CPython';
  addVersionMarkers(markers, record.version);
  const windows = record.subdir?.startsWith('win-') ?? false;
  const stdlib = record.files.find((f) => /^lib\/(python|pypy)\d+\.\d+\//.test(f))?.split('/')[1];
  const rel = windows ? 'Lib/site-packages' : `lib/${stdlib ?? `python${minor}`}/site-packages`;
  const sitePackages = record.prefix === '/' ? `/${rel}` : `${record.prefix}/${rel}`;
  return { sitePackages, prefix: record.prefix, pythonVersion: record.version, markers };
}

function addVersionMarkers(markers: Record<string, string>, version: string | undefined): void {
  if (!version) return;
  const parts = version.split('.');
  markers.python_version = parts.slice(0, 2).join('.');
  if (parts.length >= 3) markers.python_full_version = version;
}

/** A marker value two pieces of evidence disagree on; it is left unknown. */
export interface EnvironmentConflict {
  marker: string;
  values: string[];
}

/**
 * One environment per site-packages folder from everything known about it: reports from pyvenv.cfg and
 * conda records (strong), the tags of wheels installed there (strong), and the folder layout (weak, used
 * only where nothing stronger speaks). Strong evidence that disagrees leaves the value unknown.
 */
export function mergeEnvironment(
  sitePackages: string,
  reports: readonly PythonEnvironment[],
  wheelTags: readonly string[],
): { environment: PythonEnvironment; conflicts: EnvironmentConflict[] } {
  const layout = layoutEvidence(sitePackages);
  const seen = new Map<string, Set<string>>();
  const note = (key: string, value: string | undefined) => {
    if (value === undefined) return;
    let set = seen.get(key);
    if (!set) seen.set(key, (set = new Set()));
    set.add(value);
  };
  const fullVersions = new Set<string>();
  for (const report of reports) {
    for (const [key, value] of Object.entries(report.markers)) {
      if (key !== 'python_version' && key !== 'python_full_version') note(key, value);
    }
    if (report.pythonVersion) {
      note('python_version', report.pythonVersion.split('.').slice(0, 2).join('.'));
      if (report.pythonVersion.split('.').length >= 3) fullVersions.add(report.pythonVersion);
    }
  }
  for (const tag of wheelTags) {
    const evidence = tagEvidence(tag);
    for (const [key, value] of Object.entries(evidence.markers)) note(key, value);
    note('python_version', evidence.pythonVersion);
  }
  note('python_version', layout.pythonVersion);
  if (layout.implementation === 'pypy') {
    note('implementation_name', 'pypy');
    note('platform_python_implementation', 'PyPy');
  }

  const markers: Record<string, string> = {};
  const conflicts: EnvironmentConflict[] = [];
  for (const [key, values] of seen) {
    if (values.size === 1) markers[key] = [...values][0]!;
    else conflicts.push({ marker: key, values: [...values].sort() });
  }
  const minor = markers.python_version;
  const full = [...fullVersions].filter((v) => minor !== undefined && v.startsWith(`${minor}.`));
  if (full.length === 1) markers.python_full_version = full[0]!;
  else if (full.length > 1) conflicts.push({ marker: 'python_full_version', values: full.sort() });
  if (markers.implementation_name === 'cpython' && markers.python_full_version) {
    markers.implementation_version = markers.python_full_version;
  }
  const platformKnown = ['sys_platform', 'os_name', 'platform_system'].some((k) => seen.has(k));
  if (!platformKnown && layout.platform) {
    Object.assign(markers, layout.platform === 'windows' ? WINDOWS_DEFAULT : POSIX_DEFAULT);
  }

  const environment: PythonEnvironment = { sitePackages, markers: sortKeys(markers) };
  const prefix = reports.find((r) => r.prefix)?.prefix ?? layout.prefix;
  if (prefix) environment.prefix = prefix;
  const pythonVersion = markers.python_full_version ?? markers.python_version;
  if (pythonVersion) environment.pythonVersion = pythonVersion;
  return { environment, conflicts };
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
