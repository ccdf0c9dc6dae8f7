import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cataloger, ParseResult } from '../../../../src/sbom/catalogers/cataloger.ts';
import type { Package, PythonDeclaredMetadata } from '../../../../src/sbom/model.ts';
import { REPO_ROOT } from '../../../support/run-cli.ts';

export const SBOM_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sbom');

const NO_CONTEXT = { read: async () => undefined, exists: () => false };

/** Parses a fixture (path under test/fixtures/sbom) as if it were the tree file `asPath`. */
export async function parseFixture(
  cataloger: Cataloger,
  fixture: string,
  asPath: string,
): Promise<ParseResult> {
  const bytes = await readFile(path.join(SBOM_FIXTURES, fixture));
  return cataloger.parse({ path: asPath, bytes }, NO_CONTEXT);
}

/** Parses text as the tree file `asPath`. */
export async function parseText(
  cataloger: Cataloger,
  text: string | Uint8Array,
  asPath: string,
): Promise<ParseResult> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return cataloger.parse({ path: asPath, bytes }, NO_CONTEXT);
}

/** `name@version` of every package, in result order. */
export function nameVersions(result: ParseResult): string[] {
  return result.packages.map((p) => `${p.name}@${p.version ?? '*'}`);
}

/** The one package called `name` (fails the test when there is not exactly one). */
export function only(result: ParseResult, name: string): Package {
  const found = result.packages.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`expected one package ${name}, found ${found.length}`);
  return found[0]!;
}

export function declared(pkg: Package): PythonDeclaredMetadata {
  if (pkg.metadata.kind !== 'python-declared') throw new Error(`${pkg.name} is ${pkg.metadata.kind}`);
  return pkg.metadata;
}

/** Edges as sorted `from@v -> to@v` strings. */
export function edges(result: ParseResult): string[] {
  const label = new Map(result.packages.map((p) => [p.id, `${p.name}@${p.version ?? '*'}`]));
  return result.relationships
    .map((r) => `${label.get(r.from) ?? r.from} -> ${label.get(r.to) ?? r.to}`)
    .sort();
}

/** `CODE@line` of every problem. */
export function problemCodes(result: ParseResult): string[] {
  return result.problems.map((p) => (p.line === undefined ? p.code : `${p.code}@${p.line}`));
}
