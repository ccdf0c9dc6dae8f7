/** A conda match spec as environment.yml writes it (`python=3.11`, `conda-forge::numpy==1.26.4=py311h_0`). */
export interface CondaMatchSpec {
  name: string;
  channel?: string;
  subdir?: string;
  /** Set only when the spec allows exactly one version. */
  version?: string;
  /** The version constraint as written, when there is one. */
  versionSpec?: string;
  build?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const PLAIN_VERSION = /^([0-9]+!)?[A-Za-z0-9_.+]+$/;
const VERSION_SPEC = /^[A-Za-z0-9_.+!*,|<>=~]+$/;
const SUBDIR = /^(noarch|[a-z]+-[a-z0-9_]+)$/;

/**
 * Parses a match spec. Conda's own rules decide what is exact: `==1.2` and the three-part `=1.2=build` (as
 * `conda env export` writes) pin a version, and so does a bare version after a space (`numpy 1.2 build`);
 * the two-part `=1.2` means `1.2.*` (so `python=3.11` is 3.11.x, not 3.11) and leaves the version open.
 * Returns undefined for text that is not a spec.
 */
export function parseMatchSpec(input: string): CondaMatchSpec | undefined {
  let text = input.trim();
  const spec: Partial<CondaMatchSpec> = {};
  const channelSep = text.indexOf('::');
  if (channelSep >= 0) {
    const channel = text.slice(0, channelSep);
    text = text.slice(channelSep + 2).trim();
    const slash = channel.lastIndexOf('/');
    if (
      slash > 0 &&
      SUBDIR.test(channel.slice(slash + 1)) &&
      !/^[a-z]+:\/\/[^/]*$/i.test(channel.slice(0, slash))
    ) {
      spec.channel = channel.slice(0, slash);
      spec.subdir = channel.slice(slash + 1);
    } else if (channel !== '') spec.channel = channel;
  }
  const bracket = /\[([^\]]*)\]\s*$/.exec(text);
  if (bracket) {
    text = text.slice(0, bracket.index).trim();
    for (const part of bracket[1]!.split(',')) {
      const kv = /^\s*([a-z_]+)\s*=\s*["']?([^"']*)["']?\s*$/i.exec(part);
      if (!kv) continue;
      const [key, value] = [kv[1]!.toLowerCase(), kv[2]!.trim()];
      if (key === 'version') applyVersion(spec, value);
      else if (key === 'build') spec.build = value;
      else if (key === 'channel') spec.channel = value;
      else if (key === 'subdir') spec.subdir = value;
    }
  }
  const m = /^([^\s=<>!~]+)\s*(.*)$/.exec(text);
  if (!m || !NAME.test(m[1]!)) return undefined;
  spec.name = m[1]!;
  const rest = m[2]!.trim();
  if (rest === '') return spec as CondaMatchSpec;
  if (rest.startsWith('==')) {
    const [version, build] = rest.slice(2).split('=');
    if (!version) return undefined;
    applyVersion(spec, version.trim(), true);
    if (build) spec.build = build.trim();
  } else if (rest.startsWith('=')) {
    const [version, build] = rest.slice(1).split('=');
    if (!version) return undefined;
    if (build) {
      applyVersion(spec, version.trim(), true);
      spec.build = build.trim();
    } else {
      spec.versionSpec = `=${version.trim()}`;
    }
  } else if (/^[<>!~]/.test(rest)) {
    const [range, build, extra] = rest.split(/\s+/);
    if (extra !== undefined) return undefined;
    spec.versionSpec = range;
    if (build) spec.build = build;
  } else {
    const [version, build, extra] = rest.split(/\s+/);
    if (extra !== undefined) return undefined;
    applyVersion(spec, version!);
    if (build) spec.build = build;
  }
  if (spec.versionSpec !== undefined && !VERSION_SPEC.test(spec.versionSpec)) return undefined;
  return spec as CondaMatchSpec;
}

function applyVersion(spec: Partial<CondaMatchSpec>, value: string, exactOperator = false): void {
  const v = value.replace(/^==/, '');
  if (PLAIN_VERSION.test(v) && (exactOperator || !value.startsWith('='))) {
    spec.version = v;
    spec.versionSpec = `==${v}`;
  } else {
    spec.versionSpec = value;
  }
}
