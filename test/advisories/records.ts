import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { OsvEvent, OsvRecord } from '../../src/advisories/osv.ts';
import { fixturePath } from '../support/fixture-path.ts';

const GHSA_ROOT = fixturePath('advisories', 'osv', 'ghsa');
export const PYPA_VULNS = fixturePath('advisories', 'osv', 'pypa', 'vulns');
export const GHSA_ADVISORIES = path.join(GHSA_ROOT, 'advisories');

const ghsaPaths = new Map(
  readFileSync(path.join(GHSA_ROOT, 'INDEX.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([id, file]) => [id!, path.join(GHSA_ROOT, file!)]),
);

/** A stored GitHub advisory (OSV JSON) by id. */
export function ghsa(id: string): OsvRecord {
  const file = ghsaPaths.get(id);
  if (!file) throw new Error(`no GHSA fixture ${id}`);
  return JSON.parse(readFileSync(file, 'utf8')) as OsvRecord;
}

/** A stored PyPA record (OSV YAML) by package folder and id. */
export function pypa(pkg: string, id: string): OsvRecord {
  return parseYaml(readFileSync(path.join(PYPA_VULNS, pkg, `${id}.yaml`), 'utf8')) as OsvRecord;
}

/** Every stored PyPA record of one package. */
export function pypaPackage(pkg: string): OsvRecord[] {
  return readdirSync(path.join(PYPA_VULNS, pkg))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => pypa(pkg, f.replace(/\.yaml$/, '')));
}

/**
 * A real record with its first affected entry's ranges replaced, for boundary cases the stored records do
 * not happen to contain. The id gets a suffix so a derived record is never mistaken for the real one.
 */
export function withEvents(record: OsvRecord, events: OsvEvent[], suffix = 'derived'): OsvRecord {
  const copy = structuredClone(record);
  copy.id = `${record.id}-${suffix}`;
  const first = copy.affected![0]!;
  first.ranges = [{ type: 'ECOSYSTEM', events }];
  delete first.versions;
  copy.affected = [first];
  return copy;
}
