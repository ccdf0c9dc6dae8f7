import type { Problem, TargetDescription } from '../model.ts';

/** A regular file visible in a target, after symlinks inside the target and image layers are resolved. */
export interface TreeFile {
  /** POSIX path inside the target, always starting with `/`. */
  path: string;
  size: number;
  /** Digest of the image layer that last wrote the file. */
  layer?: string;
}

/** Chooses which files a scan wants, by path alone, before anything is read. */
export type PathFilter = (path: string) => boolean;

/**
 * A read-only view of a scan target. Catalogers never see the real file system: every path is inside the
 * tree, reads are bounded, and nothing outside the tree can be reached through `..` or a symlink.
 */
export interface FileTree {
  readonly description: TargetDescription;
  /** The wanted files, in a stable order (sorted by path). */
  files(): readonly TreeFile[];
  /** Looks a wanted file up by its path inside the tree. */
  get(path: string): TreeFile | undefined;
  /**
   * Reads a wanted file. Throws `SBOM_FILE_TOO_LARGE` past `maxBytes` and `SBOM_FILE_UNREADABLE` when
   * the file cannot be read; never reads past `maxBytes`.
   */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
  /**
   * Images only: every version of a file the layers wrote since it was last deleted, oldest first, the
   * current one last. Catalogers use it to name the layer that introduced a package.
   */
  history?(path: string, maxBytes: number): Promise<FileVersionBytes[]>;
  /** Problems met while opening the target (unreadable folders, symlink loops, escapes). */
  readonly problems: readonly Problem[];
  close(): Promise<void>;
}

/** One layer's version of a file. */
export interface FileVersionBytes {
  layer: string;
  bytes: Uint8Array;
}

export interface Source {
  readonly description: TargetDescription;
  /** Opens the target, keeping only the files `want` accepts. */
  open(want: PathFilter): Promise<FileTree>;
}
