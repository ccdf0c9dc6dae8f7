import type {
  Package,
  PackageMetadata,
  PythonDeclaredMetadata,
  PythonInstalledMetadata,
  ScanResult,
} from '../../../src/sbom/model.ts';

/**
 * Hand-built scan results that exercise every part of the CycloneDX mapping. Values are modelled on a
 * real Ray image (site-packages under /home/ray/anaconda3, Ray's vendored thirdparty_files, Debian
 * packages from a bookworm status file, Ray's lock files).
 */

const SP = '/home/ray/anaconda3/lib/python3.11/site-packages';
const VENDOR = `${SP}/ray/_private/thirdparty_files`;

export function installed(overrides: Partial<PythonInstalledMetadata> = {}): PythonInstalledMetadata {
  return {
    kind: 'python-installed',
    format: 'dist-info',
    rawName: overrides.rawName ?? 'x',
    requiresDist: [],
    providesExtras: [],
    wheelTags: [],
    installDir: SP,
    ...overrides,
  };
}

export function declared(overrides: Partial<PythonDeclaredMetadata> = {}): PythonDeclaredMetadata {
  return {
    kind: 'python-declared',
    format: 'requirements',
    rawName: overrides.rawName ?? 'x',
    specifier: '',
    pinned: false,
    extras: [],
    ...overrides,
  };
}

export function pkg(
  fields: Partial<Package> & { id: string; name: string; metadata: PackageMetadata },
): Package {
  return {
    ecosystem: 'pypi',
    foundBy: 'python-installed-cataloger',
    locations: [],
    hashes: [],
    licenses: [],
    ...fields,
  };
}

/** A conda-based Ray environment: installed dist-info and egg-info, vendored copies, conda records. */
export function pythonEnvironment(): ScanResult {
  const ray = pkg({
    id: `pypi:ray@2.58.0:${SP}/ray-2.58.0.dist-info`,
    name: 'ray',
    version: '2.58.0',
    purl: 'pkg:pypi/ray@2.58.0',
    locations: [{ path: `${SP}/ray-2.58.0.dist-info/METADATA` }],
    licenses: [{ expression: 'Apache-2.0' }],
    metadata: installed({
      rawName: 'ray',
      summary: 'Ray provides a simple, universal API for building distributed applications.',
      homepage: 'https://github.com/ray-project/ray',
      author: 'Ray Team',
      requiresPython: '>=3.9',
      providesExtras: ['data', 'default', 'serve'],
      installer: 'pip',
      wheelTags: ['cp311-cp311-manylinux2014_x86_64'],
      recordedFiles: 5123,
    }),
  });
  const aiohttpVendored = pkg({
    id: `pypi:aiohttp@3.11.16:${VENDOR}/aiohttp-3.11.16.dist-info`,
    name: 'aiohttp',
    version: '3.11.16',
    purl: 'pkg:pypi/aiohttp@3.11.16',
    locations: [{ path: `${VENDOR}/aiohttp-3.11.16.dist-info/METADATA` }],
    licenses: [{ expression: 'Apache-2.0 AND MIT' }],
    metadata: installed({ rawName: 'aiohttp', installDir: VENDOR, installer: 'pip' }),
  });
  const aiohttpSite = pkg({
    id: `pypi:aiohttp@3.11.16:${SP}/aiohttp-3.11.16.dist-info`,
    name: 'aiohttp',
    version: '3.11.16',
    purl: 'pkg:pypi/aiohttp@3.11.16',
    locations: [{ path: `${SP}/aiohttp-3.11.16.dist-info/METADATA` }],
    hashes: [
      { algorithm: 'sha256', value: 'a'.repeat(64) },
      { algorithm: 'md5', value: 'B'.repeat(32) },
      { algorithm: 'sha1', value: 'not-hex' },
    ],
    licenses: [{ expression: 'Apache-2.0 OR MIT' }, { text: 'Apache 2' }],
    metadata: installed({ rawName: 'aiohttp', installer: 'pip' }),
  });
  const yarl = pkg({
    id: `pypi:yarl@1.18.3:${VENDOR}/yarl-1.18.3.dist-info`,
    name: 'yarl',
    version: '1.18.3',
    purl: 'pkg:pypi/yarl@1.18.3',
    locations: [{ path: `${VENDOR}/yarl-1.18.3.dist-info/METADATA` }],
    licenses: [{ expression: 'apache-2.0' }],
    metadata: installed({ rawName: 'yarl', installDir: VENDOR }),
  });
  const psutil = pkg({
    // Vendored by ray and by a second tool: nested once, owned twice.
    id: `pypi:psutil@6.1.1:${VENDOR}/psutil-6.1.1.dist-info`,
    name: 'psutil',
    version: '6.1.1',
    purl: 'pkg:pypi/psutil@6.1.1',
    locations: [{ path: `${VENDOR}/psutil-6.1.1.dist-info/METADATA` }],
    licenses: [{ expression: 'BSD-3-Clause' }, { expression: 'MIT' }],
    metadata: installed({ rawName: 'psutil', installDir: VENDOR }),
  });
  const pyyaml = pkg({
    id: `pypi:pyyaml@6.0.2:${SP}/PyYAML-6.0.2.dist-info`,
    name: 'pyyaml',
    version: '6.0.2',
    purl: 'pkg:pypi/pyyaml@6.0.2',
    locations: [{ path: `${SP}/PyYAML-6.0.2.dist-info/METADATA` }],
    licenses: [{ text: 'MIT' }],
    condaRecord: {
      location: { path: '/home/ray/anaconda3/conda-meta/pyyaml-6.0.2-py311h9ecbd09_1.json' },
      channel: 'conda-forge',
      build: 'py311h9ecbd09_1',
      purl: 'pkg:conda/pyyaml@6.0.2?build=py311h9ecbd09_1&channel=conda-forge&subdir=linux-64',
    },
    metadata: installed({ rawName: 'PyYAML', installer: 'conda' }),
  });
  const mypkg = pkg({
    id: `pypi:mypkg@0.1.0:${SP}/mypkg-0.1.0.dist-info`,
    name: 'mypkg',
    version: '0.1.0',
    purl: 'pkg:pypi/mypkg@0.1.0',
    locations: [{ path: `${SP}/mypkg-0.1.0.dist-info/METADATA` }],
    metadata: installed({
      rawName: 'mypkg',
      directUrl: { url: 'file:///home/ray/src/mypkg', kind: 'dir', editable: true },
    }),
  });
  const fromGit = pkg({
    id: `pypi:gitpkg@1.2.3:${SP}/gitpkg-1.2.3.dist-info`,
    name: 'gitpkg',
    version: '1.2.3',
    purl: 'pkg:pypi/gitpkg@1.2.3',
    locations: [{ path: `${SP}/gitpkg-1.2.3.dist-info/METADATA` }],
    metadata: installed({
      rawName: 'gitpkg',
      summary: 'Installed from git\u0007 with a bell in its summary',
      directUrl: {
        url: 'https://github.com/example/gitpkg.git',
        kind: 'vcs',
        vcs: {
          vcs: 'git',
          requestedRevision: 'v1.2.3',
          commitId: '0123456789abcdef0123456789abcdef01234567',
        },
      },
    }),
  });
  const fromArchive = pkg({
    id: `pypi:archived@2.0:${SP}/archived-2.0.dist-info`,
    name: 'archived',
    version: '2.0',
    purl: 'pkg:pypi/archived@2.0',
    locations: [{ path: `${SP}/archived-2.0.dist-info/METADATA` }],
    metadata: installed({
      rawName: 'archived',
      directUrl: {
        url: 'https://files.example.org/archived-2.0-py3-none-any.whl',
        kind: 'archive',
        archiveHash: `sha256=${'c'.repeat(64)}`,
      },
    }),
  });
  const six = pkg({
    id: `pypi:six@1.16.0:${SP}/six-1.16.0.egg-info`,
    name: 'six',
    version: '1.16.0',
    purl: 'pkg:pypi/six@1.16.0',
    locations: [{ path: `${SP}/six-1.16.0.egg-info/PKG-INFO` }],
    licenses: [
      {
        text: 'Copyright (c) 2010-2020 Benjamin Peterson\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software.',
      },
    ],
    metadata: installed({ rawName: 'six', format: 'egg-info', homepage: 'github.com/benjaminp/six' }),
  });
  const cycleA = pkg({
    id: `pypi:cycle-a@1.0:${SP}/cycle_a-1.0.dist-info`,
    name: 'cycle-a',
    version: '1.0',
    purl: 'pkg:pypi/cycle-a@1.0',
    locations: [{ path: `${SP}/cycle_a-1.0.dist-info/METADATA` }],
    metadata: installed({ rawName: 'cycle_a' }),
  });
  const cycleB = pkg({
    id: `pypi:cycle-b@1.0:${SP}/cycle_b-1.0.dist-info`,
    name: 'cycle-b',
    version: '1.0',
    purl: 'pkg:pypi/cycle-b@1.0',
    locations: [{ path: `${SP}/cycle_b-1.0.dist-info/METADATA` }],
    licenses: [{ expression: 'GPL-2.0+ WITH Classpath-exception-2.0' }, { expression: 'Not An SPDX (thing' }],
    metadata: installed({ rawName: 'cycle_b' }),
  });
  const python = pkg({
    id: 'conda:python@3.11.11:/home/ray/anaconda3/conda-meta/python-3.11.11-h9e4cc4f_1_cpython.json',
    ecosystem: 'conda',
    name: 'python',
    version: '3.11.11',
    purl: 'pkg:conda/python@3.11.11?build=h9e4cc4f_1_cpython&channel=conda-forge&subdir=linux-64',
    foundBy: 'conda-meta-cataloger',
    locations: [{ path: '/home/ray/anaconda3/conda-meta/python-3.11.11-h9e4cc4f_1_cpython.json' }],
    hashes: [
      { algorithm: 'md5', value: 'd'.repeat(32) },
      { algorithm: 'sha256', value: 'e'.repeat(64) },
    ],
    licenses: [{ expression: 'Python-2.0' }],
    metadata: {
      kind: 'conda',
      channel: 'conda-forge',
      subdir: 'linux-64',
      build: 'h9e4cc4f_1_cpython',
      buildNumber: 1,
      fileCount: 4890,
      pythonMetadataDirs: [],
      prefix: '/home/ray/anaconda3',
      url: 'https://conda.anaconda.org/conda-forge/linux-64/python-3.11.11-h9e4cc4f_1_cpython.conda',
    },
  });
  const numpy = pkg({
    id: 'conda:numpy@1.26.4:/home/ray/anaconda3/conda-meta/numpy-1.26.4-py311h64a7726_0.json',
    ecosystem: 'conda',
    name: 'numpy',
    version: '1.26.4',
    purl: 'pkg:conda/numpy@1.26.4?build=py311h64a7726_0&channel=conda-forge&subdir=linux-64',
    foundBy: 'conda-meta-cataloger',
    locations: [{ path: '/home/ray/anaconda3/conda-meta/numpy-1.26.4-py311h64a7726_0.json' }],
    licenses: [{ expression: 'BSD-3-Clause' }],
    pythonDistribution: {
      name: 'numpy',
      version: '1.26.4',
      location: { path: `${SP}/numpy-1.26.4.dist-info/METADATA` },
    },
    metadata: {
      kind: 'conda',
      channel: 'conda-forge',
      subdir: 'linux-64',
      build: 'py311h64a7726_0',
      buildNumber: 0,
      fileCount: 812,
      pythonMetadataDirs: ['lib/python3.11/site-packages/numpy-1.26.4.dist-info'],
      prefix: '/home/ray/anaconda3',
    },
  });
  const noPurl = pkg({
    id: 'generic:haproxy@*:/usr/local/bin/haproxy',
    ecosystem: 'generic',
    name: 'haproxy',
    foundBy: 'binary-cataloger',
    locations: [{ path: '/usr/local/bin/haproxy' }],
    metadata: { kind: 'generic' },
  });
  const badPurl = pkg({
    id: `pypi:weird@0.0.1:${SP}/weird-0.0.1.dist-info`,
    name: 'weird',
    version: '0.0.1',
    purl: 'not a purl',
    locations: [{ path: `${SP}/weird-0.0.1.dist-info/METADATA` }],
    metadata: installed({ rawName: 'Weird' }),
  });

  return {
    target: { type: 'directory', name: '/home/ray/anaconda3' },
    packages: [
      ray,
      aiohttpVendored,
      aiohttpSite,
      yarl,
      psutil,
      pyyaml,
      mypkg,
      fromGit,
      fromArchive,
      six,
      cycleA,
      cycleB,
      python,
      numpy,
      noPurl,
      badPurl,
    ],
    relationships: [
      { from: ray.id, to: aiohttpVendored.id, type: 'vendors' },
      { from: ray.id, to: yarl.id, type: 'vendors' },
      { from: ray.id, to: psutil.id, type: 'vendors' },
      { from: mypkg.id, to: psutil.id, type: 'vendors' },
      { from: aiohttpVendored.id, to: yarl.id, type: 'depends-on' },
      { from: ray.id, to: pyyaml.id, type: 'depends-on' },
      { from: ray.id, to: numpy.id, type: 'depends-on' },
      { from: mypkg.id, to: ray.id, type: 'depends-on' },
      { from: cycleA.id, to: cycleB.id, type: 'depends-on' },
      { from: cycleB.id, to: cycleA.id, type: 'depends-on' },
      { from: numpy.id, to: python.id, type: 'depends-on' },
    ],
    problems: [
      {
        code: 'SBOM_METADATA_MALFORMED',
        severity: 'warning',
        message: 'METADATA has no Version field; skipped.',
        path: `${SP}/broken-1.0.dist-info/METADATA`,
        line: 3,
        cataloger: 'python-installed-cataloger',
      },
      {
        code: 'SBOM_SYMLINK_LOOP',
        severity: 'error',
        message: 'Skipped /home/ray/anaconda3/loop: ELOOP.',
        path: '/home/ray/anaconda3/loop',
      },
    ],
    environments: [
      {
        sitePackages: SP,
        prefix: '/home/ray/anaconda3',
        pythonVersion: '3.11.11',
        markers: { python_version: '3.11', sys_platform: 'linux', platform_machine: 'x86_64' },
      },
    ],
    indexes: [],
  };
}

/** An unpacked container image: the OS, Debian and Alpine packages with the layers that added them. */
export function containerImage(): ScanResult {
  const base = 'sha256:' + '1'.repeat(64);
  const top = 'sha256:' + '2'.repeat(64);
  const os = pkg({
    id: 'os:debian@12:/etc/os-release',
    ecosystem: 'os',
    name: 'debian',
    version: '12',
    purl: 'pkg:generic/debian@12',
    foundBy: 'os-release-cataloger',
    locations: [{ path: '/etc/os-release', layer: base }],
    metadata: {
      kind: 'os',
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      idLike: [],
    },
  });
  const libc = pkg({
    id: 'deb:libc6@2.36-9+deb12u10:/var/lib/dpkg/status',
    ecosystem: 'deb',
    name: 'libc6',
    version: '2.36-9+deb12u10',
    purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12',
    foundBy: 'dpkg-cataloger',
    locations: [{ path: '/var/lib/dpkg/status', layer: base }],
    licenses: [{ expression: 'LGPL-2.1-or-later' }, { expression: 'GPL-2.0-or-later' }],
    metadata: {
      kind: 'dpkg',
      architecture: 'amd64',
      source: 'glibc',
      sourceVersion: '2.36-9+deb12u10',
      maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>',
      installedSize: 12987,
      status: 'install ok installed',
      depends: ['libgcc-s1'],
      files: ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/share/doc/libc6/copyright'],
    },
  });
  const libgcc = pkg({
    id: 'deb:libgcc-s1@12.2.0-14:/var/lib/dpkg/status',
    ecosystem: 'deb',
    name: 'libgcc-s1',
    version: '12.2.0-14',
    purl: 'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12',
    foundBy: 'dpkg-cataloger',
    locations: [
      { path: '/var/lib/dpkg/status', layer: top },
      { path: '/var/lib/dpkg/status', layer: base },
    ],
    metadata: {
      kind: 'dpkg',
      architecture: 'amd64',
      source: 'gcc-12',
      sourceVersion: '12.2.0-14',
      status: 'install ok installed',
    },
  });
  const musl = pkg({
    id: 'apk:musl@1.2.5-r0:/lib/apk/db/installed',
    ecosystem: 'apk',
    name: 'musl',
    version: '1.2.5-r0',
    purl: 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.2',
    foundBy: 'apk-cataloger',
    locations: [{ path: '/lib/apk/db/installed', layer: top }],
    hashes: [{ algorithm: 'sha1', value: 'f'.repeat(40) }],
    licenses: [{ expression: 'MIT' }],
    metadata: {
      kind: 'apk',
      architecture: 'x86_64',
      origin: 'musl',
      maintainer: 'Timo Teräs <timo.teras@iki.fi>',
      commit: 'aaaabbbbccccddddeeeeffff0000111122223333',
    },
  });
  return {
    target: {
      type: 'image',
      name: 'rayproject/ray:2.58.0-py311-cpu',
      version: '2.58.0-py311-cpu',
      digest: 'sha256:' + '9'.repeat(64),
      properties: { architecture: 'amd64', os: 'linux' },
    },
    packages: [os, libc, libgcc, musl],
    relationships: [{ from: libc.id, to: libgcc.id, type: 'depends-on' }],
    problems: [],
    environments: [],
    indexes: [],
  };
}

/** A requirements/lock file target: declared packages of every lock format, with index options. */
export function declaredLockFile(): ScanResult {
  const file = '/requirements.txt';
  const req = (
    name: string,
    line: number,
    metadata: Partial<PythonDeclaredMetadata>,
    extra: Partial<Package> = {},
  ) =>
    pkg({
      id: `pypi:${name}@${extra.version ?? '*'}:${file}:${line}`,
      name,
      foundBy: 'requirements-cataloger',
      locations: [{ path: file, line }],
      metadata: declared({ rawName: name, ...metadata }),
      ...extra,
    });
  const urllib3 = req(
    'urllib3',
    4,
    { specifier: '==1.26.19', pinned: true, marker: 'python_version >= "3.9"' },
    {
      version: '1.26.19',
      purl: 'pkg:pypi/urllib3@1.26.19',
      hashes: [{ algorithm: 'sha256', value: '3'.repeat(64) }],
    },
  );
  const requests = req(
    'requests',
    7,
    { specifier: '==2.32.3', pinned: true, extras: ['socks', 'security'] },
    {
      version: '2.32.3',
      purl: 'pkg:pypi/requests@2.32.3',
      hashes: [
        { algorithm: 'sha256', value: '4'.repeat(64) },
        { algorithm: 'sha256', value: '5'.repeat(64) },
      ],
    },
  );
  const click = req('click', 10, { specifier: '>=7.0', pinned: false }, { purl: 'pkg:pypi/click' });
  const gitDep = req(
    'ray-cpp',
    12,
    {
      rawName: 'Ray_Cpp',
      url: 'git+https://github.com/ray-project/ray.git@master#subdirectory=cpp',
      vcs: { vcs: 'git', ref: 'master', immutable: false },
    },
    { purl: 'pkg:pypi/ray-cpp' },
  );
  const editable = req('localpkg', 13, { url: './localpkg', editable: true }, { purl: 'pkg:pypi/localpkg' });
  const uvLocked = pkg({
    id: 'pypi:filelock@3.16.1:/uv.lock',
    name: 'filelock',
    version: '3.16.1',
    purl: 'pkg:pypi/filelock@3.16.1',
    foundBy: 'uv-lock-cataloger',
    locations: [{ path: '/uv.lock', line: 120 }],
    metadata: declared({
      format: 'uv-lock',
      rawName: 'filelock',
      specifier: '==3.16.1',
      pinned: true,
      index: 'https://pypi.org/simple',
      groups: ['dev'],
    }),
  });
  const poetryLocked = pkg({
    id: 'pypi:msgpack@1.1.0:/poetry.lock',
    name: 'msgpack',
    version: '1.1.0',
    purl: 'pkg:pypi/msgpack@1.1.0',
    foundBy: 'poetry-lock-cataloger',
    locations: [{ path: '/poetry.lock', line: 88 }],
    metadata: declared({ format: 'poetry-lock', rawName: 'msgpack', pinned: true, groups: ['main', 'dev'] }),
  });
  const pipfileLocked = pkg({
    id: 'pypi:packaging@24.2:/Pipfile.lock',
    name: 'packaging',
    version: '24.2',
    purl: 'pkg:pypi/packaging@24.2',
    foundBy: 'pipfile-lock-cataloger',
    locations: [{ path: '/Pipfile.lock' }],
    metadata: declared({ format: 'pipfile-lock', rawName: 'packaging', pinned: true, groups: ['default'] }),
  });
  const condaDeclared = pkg({
    id: 'conda:pyarrow@19.0.1:/environment.yml',
    ecosystem: 'conda',
    name: 'pyarrow',
    version: '19.0.1',
    purl: 'pkg:conda/pyarrow@19.0.1?channel=conda-forge',
    foundBy: 'conda-environment-cataloger',
    locations: [{ path: '/environment.yml', line: 6 }],
    metadata: {
      kind: 'conda',
      channel: 'conda-forge',
      fileCount: 0,
      pythonMetadataDirs: [],
      declared: 'environment-yml',
    },
  });
  return {
    target: { type: 'file', name: 'requirements.txt' },
    packages: [
      urllib3,
      requests,
      click,
      gitDep,
      editable,
      uvLocked,
      poetryLocked,
      pipfileLocked,
      condaDeclared,
    ],
    relationships: [{ from: requests.id, to: urllib3.id, type: 'depends-on' }],
    problems: [
      {
        code: 'REQUIREMENTS_OPTION_UNKNOWN',
        severity: 'warning',
        message: 'Unknown option --frobnicate; line ignored.',
        path: file,
        line: 2,
        cataloger: 'requirements-cataloger',
      },
    ],
    environments: [],
    indexes: [
      { kind: 'index-url', value: 'https://pypi.org/simple', location: { path: file, line: 1 } },
      {
        kind: 'extra-index-url',
        value: 'https://download.pytorch.org/whl/cpu',
        location: { path: file, line: 3 },
      },
    ],
  };
}

export const GOLDEN_CASES: Record<string, () => ScanResult> = {
  'python-environment': pythonEnvironment,
  'container-image': containerImage,
  'declared-lock-file': declaredLockFile,
};
