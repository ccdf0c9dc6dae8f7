import { RaygateError } from '../../shared/errors.ts';
import type { FileTree, PathFilter, Source, TreeFile } from '../../sbom/sources/file-tree.ts';

/**
 * Uploaded files as a scan source, without touching the disk: `path → bytes`, paths `/`-rooted. Files the
 * scan does not want stay readable, so a requirements file's `-r other.txt` resolves among the files
 * uploaded with it and never anywhere else.
 */
export function memorySource(name: string, files: ReadonlyMap<string, Uint8Array>): Source {
  const description = { type: 'file' as const, name };
  return {
    description,
    async open(want: PathFilter): Promise<FileTree> {
      const all = new Map<string, TreeFile>();
      for (const [path, bytes] of files) all.set(path, { path, size: bytes.byteLength });
      const wanted = [...all.values()].filter((f) => want(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
      return {
        description,
        files: () => wanted,
        get: (path) => all.get(path),
        async read(path, maxBytes) {
          const bytes = files.get(path);
          if (!bytes)
            throw new RaygateError('SBOM_FILE_UNREADABLE', 'input', `Cannot read ${path}: not uploaded.`);
          if (bytes.byteLength > maxBytes) {
            throw new RaygateError(
              'SBOM_FILE_TOO_LARGE',
              'limit',
              `${path} is ${bytes.byteLength} bytes; files over ${maxBytes} bytes are not read.`,
            );
          }
          return bytes;
        },
        problems: [],
        close: async () => {},
      };
    },
  };
}
