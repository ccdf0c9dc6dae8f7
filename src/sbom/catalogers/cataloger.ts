import type {
  DeclaredConstraint,
  IndexDeclaration,
  InstallerOption,
  Package,
  Problem,
  PythonEnvironment,
  Relationship,
} from '../model.ts';

/**
 * Tags choose which catalogers run for a target: `installed` catalogers read what is on disk in an
 * environment or image (dist-info, conda-meta, dpkg status); `declared` ones read lock and requirement files.
 */
export type CatalogerTag = 'installed' | 'declared' | 'python' | 'conda' | 'os' | 'image' | 'directory';

/** One file handed to a cataloger: its path inside the target, its bytes, the layer that wrote it. */
export interface CatalogFile {
  path: string;
  bytes: Uint8Array;
  layer?: string;
}

export interface CatalogContext {
  /**
   * Reads another file of the target (a sibling RECORD, an included requirements file), confined to the
   * target and bounded in size. Returns undefined when the file does not exist or cannot be read; the
   * reason is reported through `problem`.
   */
  read(path: string): Promise<Uint8Array | undefined>;
  /** True when the target has this file among the files the scan wanted. */
  exists(path: string): boolean;
  /**
   * Images only: each layer's version of a file, oldest first, the current one last (empty when the file
   * cannot be read). Absent for targets without layers. Catalogers use it to name the layer that
   * introduced a package recorded in a file every layer rewrites (dpkg status, apk installed).
   */
  history?(path: string): Promise<{ layer: string; bytes: Uint8Array }[]>;
}

export interface ParseResult {
  packages: Package[];
  relationships: Relationship[];
  problems: Problem[];
  /** Installed Python environments this file revealed (interpreter version, markers). */
  environments?: PythonEnvironment[];
  /** Index options the file declares (requirements `--index-url`, lock-file sources). */
  indexes?: IndexDeclaration[];
  /** Constraints (`-c` files) the file applies without adding packages. */
  constraints?: DeclaredConstraint[];
  /** Installer options the file sets (`--require-hashes`, includes, ...). */
  installerOptions?: InstallerOption[];
}

export interface Cataloger {
  /** Stable, human-readable name; recorded as the "found by" of every package. */
  readonly name: string;
  readonly tags: readonly CatalogerTag[];
  /** Cheap, path-only test: does this cataloger want the file? Must not read anything. */
  fileRequired(path: string): boolean;
  /**
   * Looser test used when the user names a single file (`raygate sbom file:deps.txt`): the name alone may
   * not follow the usual convention. Defaults to `fileRequired`.
   */
  fileAccepted?(path: string): boolean;
  /**
   * Files this cataloger reads alongside the ones it parses (a dist-info's RECORD, INSTALLER): path-only,
   * like `fileRequired`. Sources that keep only wanted files (image layers) keep these too.
   */
  keeps?(path: string): boolean;
  /** Parses one file. Bad input becomes problems; only bugs throw. */
  parse(file: CatalogFile, context: CatalogContext): ParseResult | Promise<ParseResult>;
}

export function emptyResult(): ParseResult {
  return { packages: [], relationships: [], problems: [] };
}
