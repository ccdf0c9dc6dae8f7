import { isHexDigest } from '../../../shared/digest.ts';
import { toPurl } from '../../../shared/purl.ts';
import { licenseFromText } from '../../licenses/license-text.ts';
import type { CondaMetadata, Hash, Package } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import { normalizePythonName } from '../../python/names.ts';
import { channelName, isPypiChannel } from './channel.ts';
import type { CondaRecord } from './parse-record.ts';

/**
 * A conda record as a package. A record conda wrote for something pip installed (channel `pypi`) is a
 * PyPI distribution and gets a `pkg:pypi` purl; everything else is a conda package, `pkg:conda`.
 */
export function condaRecordToPackage(
  record: CondaRecord,
  path: string,
  prefix: string,
  cataloger: string,
): Package {
  const pypi = isPypiChannel(record);
  const metadata: CondaMetadata = {
    kind: 'conda',
    fileCount: record.files.length,
    pythonMetadataDirs: pythonMetadataDirs(record.files),
    prefix,
  };
  if (record.channel) metadata.channel = record.channel;
  if (record.subdir) metadata.subdir = record.subdir;
  if (record.build) metadata.build = record.build;
  if (record.buildNumber !== undefined) metadata.buildNumber = record.buildNumber;
  if (record.url) metadata.url = record.url;

  const hashes: Hash[] = [];
  if (record.md5 && isHexDigest('md5', record.md5.toLowerCase()))
    hashes.push({ algorithm: 'md5', value: record.md5.toLowerCase() });
  if (record.sha256 && isHexDigest('sha256', record.sha256.toLowerCase()))
    hashes.push({ algorithm: 'sha256', value: record.sha256.toLowerCase() });
  const license = licenseFromText(record.license);

  const ecosystem = pypi ? 'pypi' : 'conda';
  const name = pypi ? normalizePythonName(record.name) : record.name;
  return {
    id: packageId(ecosystem, name, record.version, path),
    ecosystem,
    name,
    version: record.version,
    purl: pypi ? toPurl({ type: 'pypi', name, version: record.version }) : condaPurl(record),
    foundBy: cataloger,
    locations: [{ path }],
    // A pip-installed record's md5/sha256 (if any) describe no conda archive.
    hashes: pypi ? [] : hashes,
    licenses: license ? [license] : [],
    metadata,
  };
}

export function condaPurl(record: CondaRecord): string {
  const archive = record.fn ?? record.url ?? '';
  const type = archive.endsWith('.conda') ? 'conda' : archive.endsWith('.tar.bz2') ? 'tar.bz2' : undefined;
  return toPurl({
    type: 'conda',
    name: record.name,
    version: record.version,
    qualifiers: {
      build: record.build,
      channel: channelName(record.channel),
      subdir: record.subdir,
      type,
    },
  });
}

/** The dist-info / egg-info folders (or egg-info files) among a record's files: its PyPI identity. */
function pythonMetadataDirs(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    const m = /^(.*?[^/]+\.(?:dist-info|egg-info))(?:\/|$)/.exec(file);
    if (m) dirs.add(m[1]!);
  }
  return [...dirs].sort();
}
