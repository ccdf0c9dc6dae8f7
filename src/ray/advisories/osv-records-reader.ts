import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../../shared/errors.ts';
import { RAY_LIMITS } from '../limits.ts';
import type { RayProblem } from '../model.ts';
import { parseYaml } from '../yaml/safe-yaml.ts';
import { osvRayLookup, type OsvRayIndex } from './osv-ray.ts';

/** Largest OSV record read (real records are a few KB; the largest GitHub ones ~100 KB). */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;
const MAX_RECORDS = 500_000;

/**
 * Loads OSV records (JSON or YAML, one per file) from a file or a folder tree, such as a checkout of the
 * GitHub or PyPA advisory database, and indexes the ones that describe `ray`.
 */
export async function readOsvRayAdvisories(location: string): Promise<OsvRayIndex> {
  let info;
  try {
    info = await stat(location);
  } catch (error) {
    throw new RaygateError(
      'RAY_ADVISORIES_NOT_FOUND',
      'input',
      `Cannot read advisories at ${location}: no such file or folder.`,
      {
        cause: error,
      },
    );
  }
  const files = info.isDirectory() ? await listRecords(location) : [location];
  const problems: RayProblem[] = [];
  const records: { value: unknown; source: string }[] = [];
  for (const file of files.slice(0, MAX_RECORDS)) {
    const text = await readBounded(file, problems);
    if (text === undefined) continue;
    if (file.endsWith('.json')) {
      try {
        records.push({ value: JSON.parse(text), source: file });
      } catch (error) {
        problems.push({
          code: 'RAY_OSV_RECORD_INVALID',
          severity: 'warning',
          message: `${file} is not valid JSON: ${(error as Error).message}`,
          file,
        });
      }
    } else {
      const parsed = parseYaml(text, file);
      problems.push(...parsed.problems);
      for (const doc of parsed.documents) records.push({ value: doc.value, source: file });
    }
  }
  const index = osvRayLookup(records);
  return { ...index, problems: [...problems, ...index.problems] };
}

async function listRecords(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    if (depth > RAY_LIMITS.maxWalkDepth || out.length >= MAX_RECORDS) return;
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      else if (
        entry.isFile() &&
        /\.(json|ya?ml)$/.test(entry.name) &&
        !/^INDEX|package(-lock)?\.json$/.test(entry.name)
      )
        out.push(full);
    }
  };
  await walk(root, 0);
  return out;
}

async function readBounded(file: string, problems: RayProblem[]): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_RECORD_BYTES) {
      problems.push({
        code: 'RAY_OSV_RECORD_TOO_LARGE',
        severity: 'warning',
        message: `${file} is larger than ${MAX_RECORD_BYTES} bytes; it was skipped.`,
        file,
      });
      return undefined;
    }
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
