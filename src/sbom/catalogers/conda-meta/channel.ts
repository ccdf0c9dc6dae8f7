/**
 * The short channel name for a purl (`conda-forge`, `main`) from what a record stores: a name, or a URL
 * such as `https://conda.anaconda.org/conda-forge/` or `https://repo.anaconda.com/pkgs/main`. Other URLs
 * are kept whole (credentials and tokens removed), since the host is part of the identity.
 */
export function channelName(channel: string | undefined): string | undefined {
  if (!channel) return undefined;
  const trimmed = channel.replace(/\/+$/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  const m = /^https?:\/\/(?:conda\.anaconda\.org|repo\.anaconda\.com\/pkgs)\/([^/]+)$/i.exec(
    trimmed.replace(/\/t\/[^/]+/, ''),
  );
  if (m) return m[1]!;
  return trimmed.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/\/t\/[^/]+/, '');
}

/** Records for packages pip installed into a conda prefix (conda's pip interoperability, `pypi_0` builds). */
export function isPypiChannel(record: { channel?: string; subdir?: string; build?: string }): boolean {
  return channelName(record.channel)?.toLowerCase() === 'pypi' || record.subdir === 'pypi';
}
