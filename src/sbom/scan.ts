import { describeError, isRaygateError } from '../shared/errors.ts';
import { LIMITS } from '../shared/limits.ts';
import type { CatalogContext, Cataloger } from './catalogers/cataloger.ts';
import type {
  DeclaredConstraint,
  IndexDeclaration,
  InstallerOption,
  Package,
  Problem,
  PythonEnvironment,
  Relationship,
  ScanResult,
} from './model.ts';
import type { FileTree, Source } from './sources/file-tree.ts';

/**
 * Works across catalogers once every file has been parsed: reconciling what two catalogers saw of one
 * package, linking vendored copies, resolving dependency names to packages. Pure.
 */
export interface InventoryProcessor {
  readonly name: string;
  process(result: ScanResult): ScanResult;
}

export interface ScanOptions {
  catalogers: readonly Cataloger[];
  processors?: readonly InventoryProcessor[];
  /** The one file the user named; catalogers are then asked `fileAccepted`, not `fileRequired`. */
  singleFile?: string;
  maxFileBytes?: number;
  /** Files read at the same time. */
  concurrency?: number;
}

/** Walks the source once, hands each wanted file to the catalogers that want it, then runs processors. */
export async function scanSource(source: Source, options: ScanOptions): Promise<ScanResult> {
  const { catalogers, singleFile } = options;
  const want = singleFile
    ? (path: string) => path === singleFile
    : (path: string) => catalogers.some((c) => c.fileRequired(path) || (c.keeps?.(path) ?? false));
  const tree = await source.open(want);
  try {
    const partial = await catalogTree(tree, options);
    let result: ScanResult = { target: source.description, ...partial };
    for (const processor of options.processors ?? []) result = runProcessor(processor, result);
    return finish(result);
  } finally {
    await tree.close();
  }
}

async function catalogTree(tree: FileTree, options: ScanOptions): Promise<Omit<ScanResult, 'target'>> {
  const maxBytes = options.maxFileBytes ?? LIMITS.maxMetadataBytes;
  const problems: Problem[] = [...tree.problems];
  const context: CatalogContext = {
    exists: (path) => tree.get(path) !== undefined,
    read: async (path) => {
      try {
        return await tree.read(path, maxBytes);
      } catch (error) {
        problems.push(problemFrom(error, path));
        return undefined;
      }
    },
  };
  const history = tree.history?.bind(tree);
  if (history) context.history = (path) => history(path, maxBytes).catch(() => []);

  const jobs: { cataloger: Cataloger; path: string }[] = [];
  for (const file of tree.files()) {
    for (const cataloger of options.catalogers) {
      const wanted = options.singleFile
        ? (cataloger.fileAccepted ?? cataloger.fileRequired).call(cataloger, file.path)
        : cataloger.fileRequired(file.path);
      if (wanted) jobs.push({ cataloger, path: file.path });
    }
  }
  if (options.singleFile && jobs.length === 0 && tree.get(options.singleFile)) {
    problems.push({
      code: 'SBOM_FORMAT_UNKNOWN',
      severity: 'error',
      message: `No cataloger reads ${options.singleFile}: name it like a known lock or requirements file.`,
      path: options.singleFile,
    });
  }

  // Results are stored by job index, so the output order does not depend on which read finished first.
  const outputs = new Array<Omit<ScanResult, 'target'> | undefined>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      outputs[index] = await runJob(tree, jobs[index]!, context, maxBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));

  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  const environments: PythonEnvironment[] = [];
  const indexes: IndexDeclaration[] = [];
  const constraints: DeclaredConstraint[] = [];
  const installerOptions: InstallerOption[] = [];
  for (const output of outputs) {
    if (!output) continue;
    // Appended one by one: spreading a cataloger's output into push() overflows the stack past ~100k items.
    append(packages, output.packages);
    append(relationships, output.relationships);
    append(problems, output.problems);
    append(environments, output.environments);
    append(indexes, output.indexes);
    append(constraints, output.constraints ?? []);
    append(installerOptions, output.installerOptions ?? []);
  }
  return {
    packages,
    relationships,
    problems,
    environments,
    indexes,
    ...(constraints.length > 0 ? { constraints } : {}),
    ...(installerOptions.length > 0 ? { installerOptions } : {}),
  };
}

async function runJob(
  tree: FileTree,
  job: { cataloger: Cataloger; path: string },
  context: CatalogContext,
  maxBytes: number,
): Promise<Omit<ScanResult, 'target'>> {
  const { cataloger, path } = job;
  const file = tree.get(path);
  let bytes: Uint8Array;
  try {
    bytes = await tree.read(path, maxBytes);
  } catch (error) {
    return {
      packages: [],
      relationships: [],
      environments: [],
      indexes: [],
      problems: [problemFrom(error, path, cataloger.name)],
    };
  }
  try {
    const result = await cataloger.parse({ path, bytes, layer: file?.layer }, context);
    const layer = file?.layer;
    const packages = result.packages.map((pkg) => ({
      ...pkg,
      foundBy: pkg.foundBy || cataloger.name,
      locations: layer ? pkg.locations.map((l) => (l.layer ? l : { ...l, layer })) : pkg.locations,
    }));
    const problems = result.problems.map((p) => ({ cataloger: cataloger.name, ...p }));
    return {
      packages,
      relationships: result.relationships,
      problems,
      environments: result.environments ?? [],
      indexes: result.indexes ?? [],
      ...(result.constraints ? { constraints: result.constraints } : {}),
      ...(result.installerOptions ? { installerOptions: result.installerOptions } : {}),
    };
  } catch (error) {
    // A cataloger must turn bad input into problems; a throw is a bug, reported so the scan still finishes.
    return {
      packages: [],
      relationships: [],
      environments: [],
      indexes: [],
      problems: [
        {
          code: 'SBOM_CATALOGER_FAILED',
          severity: 'error',
          message: `${cataloger.name} failed on ${path}: ${describeError(error)}`,
          path,
          cataloger: cataloger.name,
        },
      ],
    };
  }
}

function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/** A processor that throws is a bug; the scan keeps what it had and reports the failure. */
function runProcessor(processor: InventoryProcessor, result: ScanResult): ScanResult {
  try {
    return processor.process(result);
  } catch (error) {
    const problem: Problem = {
      code: 'SBOM_PROCESSOR_FAILED',
      severity: 'error',
      message: `${processor.name} failed: ${describeError(error)}`,
    };
    return { ...result, problems: [...result.problems, problem] };
  }
}

function problemFrom(error: unknown, path: string, cataloger?: string): Problem {
  return {
    code: isRaygateError(error) ? error.code : 'SBOM_FILE_UNREADABLE',
    severity: 'warning',
    message: describeError(error),
    path,
    ...(cataloger ? { cataloger } : {}),
  };
}

/** Sorts everything and drops exact duplicates, so the same input always gives the same result. */
function finish(result: ScanResult): ScanResult {
  const seen = new Set<string>();
  const packages = result.packages
    .filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)))
    .sort((a, b) => compareStrings(a.id, b.id));
  const relKeys = new Set<string>();
  const relationships = result.relationships
    .filter((r) => {
      const key = `${r.from}\u0000${r.type}\u0000${r.to}`;
      if (relKeys.has(key) || !seen.has(r.from) || !seen.has(r.to)) return false;
      relKeys.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        compareStrings(a.from, b.from) || compareStrings(a.type, b.type) || compareStrings(a.to, b.to),
    );
  // The same problem seen from two starting files (an include cycle in a folder scan) is reported once.
  const problemKeys = new Set<string>();
  const problems = result.problems
    .filter((p) => {
      const key = [p.path, p.line, p.code, p.message, p.severity, p.cataloger].join('\u0000');
      return problemKeys.has(key) ? false : (problemKeys.add(key), true);
    })
    .sort(
      (a, b) =>
        compareStrings(a.path ?? '', b.path ?? '') ||
        compareStrings(a.code, b.code) ||
        compareStrings(a.message, b.message),
    );
  const envKeys = new Set<string>();
  const environments = result.environments
    .filter((e) => (envKeys.has(e.sitePackages) ? false : (envKeys.add(e.sitePackages), true)))
    .sort((a, b) => compareStrings(a.sitePackages, b.sitePackages));
  return { ...result, packages, relationships, problems, environments };
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
