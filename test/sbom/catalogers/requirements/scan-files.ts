import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { requirementsCataloger } from '../../../../src/sbom/catalogers/requirements/index.ts';
import type { Package, PythonDeclaredMetadata, ScanResult } from '../../../../src/sbom/model.ts';
import { scanSource } from '../../../../src/sbom/scan.ts';
import { directorySource } from '../../../../src/sbom/sources/directory-reader.ts';
import { openTarget } from '../../../../src/sbom/sources/open-target.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/sbom/requirements');

/** Writes `files` (tree path → content) into a fresh folder. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** Scans one file the way `raygate pins FILE` does: the file's folder is the tree root. */
export async function scanFile(hostFile: string): Promise<ScanResult> {
  const { source, singleFile } = await openTarget(hostFile);
  return scanSource(source, { catalogers: [requirementsCataloger], singleFile });
}

/** Writes `files` into a temp folder and scans `start` (a tree path without the leading `/`) as a single file. */
export async function scanFiles(
  files: Record<string, string | Uint8Array>,
  start: string,
): Promise<ScanResult> {
  const { dir, cleanup } = await makeTempDir();
  try {
    await writeTree(dir, files);
    return await scanFile(path.join(dir, ...start.split('/')));
  } finally {
    await cleanup();
  }
}

/** Writes `files` into a temp folder and scans the whole folder. */
export async function scanFolder(files: Record<string, string | Uint8Array>): Promise<ScanResult> {
  const { dir, cleanup } = await makeTempDir();
  try {
    await writeTree(dir, files);
    return await scanSource(directorySource(dir, { type: 'directory', name: dir }), {
      catalogers: [requirementsCataloger],
    });
  } finally {
    await cleanup();
  }
}

export function meta(pkg: Package): PythonDeclaredMetadata {
  if (pkg.metadata.kind !== 'python-declared') throw new Error(`${pkg.id} is not a declared package`);
  return pkg.metadata;
}

export function byName(result: ScanResult, name: string): Package {
  const found = result.packages.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`expected one package ${name}, found ${found.length}`);
  return found[0]!;
}

/** `code@line` of every problem, for compact exact assertions. */
export function problemCodes(result: ScanResult): string[] {
  return result.problems.map((p) => `${p.code}@${p.path ?? ''}:${p.line ?? ''}`);
}
