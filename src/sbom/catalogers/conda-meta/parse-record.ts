/** The fields raygate uses from one `conda-meta/<name>-<version>-<build>.json` record, validated. */
export interface CondaRecord {
  name: string;
  version: string;
  build?: string;
  buildNumber?: number;
  channel?: string;
  subdir?: string;
  license?: string;
  md5?: string;
  sha256?: string;
  url?: string;
  fn?: string;
  /** Installed files, relative to the prefix. */
  files: string[];
}

export type CondaRecordResult =
  | { record: CondaRecord }
  | { error: 'SBOM_CONDA_META_INVALID' | 'SBOM_CONDA_META_INCOMPLETE'; message: string };

export function parseCondaRecord(text: string): CondaRecordResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { error: 'SBOM_CONDA_META_INVALID', message: `not JSON (${(error as Error).message})` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { error: 'SBOM_CONDA_META_INVALID', message: 'not a JSON object' };
  }
  const o = doc as Record<string, unknown>;
  const str = (key: string) => (typeof o[key] === 'string' && o[key] !== '' ? (o[key] as string) : undefined);
  const name = str('name');
  const version = str('version');
  if (!name || !version) {
    return {
      error: 'SBOM_CONDA_META_INCOMPLETE',
      message: `the record has no ${name ? 'version' : 'name'}`,
    };
  }
  const record: CondaRecord = {
    name,
    version,
    files: Array.isArray(o.files) ? o.files.filter((f): f is string => typeof f === 'string') : [],
  };
  const build = str('build') ?? str('build_string');
  if (build) record.build = build;
  if (typeof o.build_number === 'number' && Number.isInteger(o.build_number))
    record.buildNumber = o.build_number;
  for (const key of ['channel', 'subdir', 'license', 'md5', 'sha256', 'url', 'fn'] as const) {
    const value = str(key);
    if (value) record[key] = value;
  }
  return { record };
}
