import { copyFile, cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes files (and copies fixture files or folders) into a folder, creating parents as needed. */
export async function writeTree(
  root: string,
  files: Record<string, string | Uint8Array | { copy: string }>,
): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(root, rel);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof content === 'object' && 'copy' in content) {
      if (content.copy.endsWith('/')) await cp(content.copy, target, { recursive: true });
      else await copyFile(content.copy, target);
    } else await writeFile(target, content);
  }
}

/** Minimal core metadata for processor tests: the fields the processors read, nothing more. */
export function metadata(name: string, version: string, ...lines: string[]): string {
  return ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...lines, ''].join('\n');
}
