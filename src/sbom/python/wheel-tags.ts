import { metadataFields, parseCoreMetadata } from './core-metadata.ts';

/**
 * Wheel compatibility tags (`cp311-cp311-manylinux_2_17_x86_64`) from a dist-info WHEEL file. An installer
 * only installs a wheel whose tags the running interpreter accepts, so the tags of installed wheels are
 * evidence about that interpreter and its platform.
 */
export function parseWheelTags(text: string): string[] {
  const tags = new Set<string>();
  for (const value of metadataFields(parseCoreMetadata(text), 'Tag')) {
    for (const tag of expandTag(value)) tags.add(tag);
  }
  return [...tags];
}

/** Expands a compressed tag set (`py2.py3-none-any`) into single tags. */
export function expandTag(tag: string): string[] {
  const parts = tag.trim().split('-');
  if (parts.length !== 3 || parts.some((p) => p === '')) return [];
  const [interpreters, abis, platforms] = parts.map((p) => p!.split('.')) as [string[], string[], string[]];
  const out: string[] = [];
  for (const i of interpreters) for (const a of abis) for (const p of platforms) out.push(`${i}-${a}-${p}`);
  return out;
}

/** What one tag says about the interpreter and platform that accepted it. */
export interface TagEvidence {
  /** `X.Y` when the tag names one CPython or PyPy version exactly. */
  pythonVersion?: string;
  /** PEP 508 marker values the tag determines. */
  markers: Record<string, string>;
}

const CPYTHON = { implementation_name: 'cpython', platform_python_implementation: 'CPython' };
const PYPY = { implementation_name: 'pypy', platform_python_implementation: 'PyPy' };
const LINUX = { sys_platform: 'linux', os_name: 'posix', platform_system: 'Linux' };
const DARWIN = { sys_platform: 'darwin', os_name: 'posix', platform_system: 'Darwin' };
const WINDOWS = { sys_platform: 'win32', os_name: 'nt', platform_system: 'Windows' };

export function tagEvidence(tag: string): TagEvidence {
  const [interpreter = '', abi = '', platform = ''] = tag.split('-');
  const evidence: TagEvidence = { markers: { ...platformMarkers(platform) } };
  const cpAbi = /^cp(\d)(\d+)[dmut]*$/.exec(abi);
  const cpPure = abi === 'none' ? /^cp(\d)(\d+)$/.exec(interpreter) : null;
  const pypyAbi = /^pypy(\d)(\d+)_pp\d+$/.exec(abi);
  const version = cpAbi ?? cpPure ?? pypyAbi;
  if (version) evidence.pythonVersion = `${version[1]}.${version[2]}`;
  if (cpAbi || cpPure || abi === 'abi3') Object.assign(evidence.markers, CPYTHON);
  if (pypyAbi) Object.assign(evidence.markers, PYPY);
  return evidence;
}

function platformMarkers(platform: string): Record<string, string> {
  const linux = /^(?:manylinux\d*(?:_\d+_\d+)?|musllinux_\d+_\d+|linux)_(.+)$/.exec(platform);
  if (linux) return { ...LINUX, platform_machine: linux[1]! };
  const mac = /^macosx_\d+_\d+_(.+)$/.exec(platform);
  if (mac) {
    // Fat binaries (universal2, intel, ...) run on several machines: they do not tell which.
    return mac[1] === 'x86_64' || mac[1] === 'arm64'
      ? { ...DARWIN, platform_machine: mac[1] }
      : { ...DARWIN };
  }
  if (platform === 'win_amd64') return { ...WINDOWS, platform_machine: 'AMD64' };
  if (platform === 'win_arm64') return { ...WINDOWS, platform_machine: 'ARM64' };
  if (platform === 'win32') return { ...WINDOWS, platform_machine: 'x86' };
  return {};
}
