import { normalizePythonName } from '../../sbom/python/names.ts';

/**
 * A distribution file name in the form PyPI compares them: the project name normalised and spelled with
 * underscores, and a wheel's compressed tag sets sorted, so `Foo.Bar-1.0-py3-none-any.whl` and
 * `foo_bar-1.0-py3-none-any.whl` are one name. Undefined when the name is neither a wheel nor an sdist.
 */
export function normalizeDistributionFilename(filename: string): string | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    const [name, version, ...rest] = parts as [string, string, ...string[]];
    const tags = rest.slice(-3).map((set) => set.split('.').sort().join('.'));
    const build = rest.length === 4 ? [rest[0]!] : [];
    return (
      [normalizePythonName(name).replace(/-/g, '_'), version.toLowerCase(), ...build, ...tags].join('-') +
      '.whl'
    );
  }
  for (const suffix of ['.tar.gz', '.zip']) {
    if (filename.endsWith(suffix)) {
      const stem = filename.slice(0, -suffix.length);
      const dash = stem.lastIndexOf('-');
      if (dash <= 0) return undefined;
      return `${normalizePythonName(stem.slice(0, dash)).replace(/-/g, '_')}-${stem.slice(dash + 1).toLowerCase()}${suffix}`;
    }
  }
  return undefined;
}

/** The project name and version a distribution file name carries. */
export function parseDistributionFilename(
  filename: string,
): { name: string; version: string; kind: 'wheel' | 'sdist' } | undefined {
  const normal = normalizeDistributionFilename(filename);
  if (!normal) return undefined;
  if (normal.endsWith('.whl')) {
    const [name, version] = normal.split('-') as [string, string];
    return { name: normalizePythonName(name), version, kind: 'wheel' };
  }
  const stem = normal.replace(/\.(tar\.gz|zip)$/, '');
  const dash = stem.lastIndexOf('-');
  return { name: normalizePythonName(stem.slice(0, dash)), version: stem.slice(dash + 1), kind: 'sdist' };
}
