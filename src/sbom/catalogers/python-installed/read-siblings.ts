import { decodeText } from '../../../shared/text.ts';
import type { CatalogContext } from '../cataloger.ts';

/** Reads a file next to the metadata when the tree has it; undefined when absent or unreadable. */
export async function readSiblingText(context: CatalogContext, path: string): Promise<string | undefined> {
  if (!context.exists(path)) return undefined;
  const bytes = await context.read(path);
  return bytes === undefined ? undefined : decodeText(bytes).text;
}

/** The first line of a one-line file (INSTALLER), bounded. */
export function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0]?.trim();
  return line ? line.slice(0, 100) : undefined;
}

/** top_level.txt: one import name per line. */
export function topLevelNames(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split('\n')
    .map((l) => l.trim().split('/')[0]!)
    .filter((l) => l !== '');
  return [...new Set(names)];
}

/** True when the metadata sits in an unpacked conda package cache entry rather than an environment. */
export function inCondaPackageCache(context: CatalogContext, cacheEntry: string | undefined): boolean {
  return cacheEntry !== undefined && context.exists(`${cacheEntry}/info/index.json`);
}
