import { open, stat } from 'node:fs/promises';
import { RaygateError } from '../shared/errors.ts';
import { normalizePythonName } from '../sbom/python/names.ts';
import { PROCESSORS, catalogersForTarget } from '../sbom/catalogers/index.ts';
import type { Package } from '../sbom/model.ts';
import { scanSource } from '../sbom/scan.ts';
import { openTarget } from '../sbom/sources/open-target.ts';
import { parsePurl } from '../shared/purl.ts';
import type { InstalledRay } from './lint.ts';
import type { RayProblem } from './model.ts';

/** Largest CycloneDX document read (SBOMs of big images run to tens of MB). */
const MAX_SBOM_BYTES = 256 * 1024 * 1024;
/** Packages whose presence shows Ray Data can run (its readers need them). */
const RAY_DATA_MARKERS = new Set(['pyarrow']);

export interface InstalledRayResult {
  installed: InstalledRay[];
  problems: RayProblem[];
}

/**
 * The `ray` installations a target holds: a CycloneDX JSON SBOM (components with `pkg:pypi/ray@…`), or anything
 * `raygate sbom` can scan (a virtualenv, site-packages, an unpacked image root, a lock file), through the same
 * sources, catalogers and processors.
 */
export async function readInstalledRay(target: string): Promise<InstalledRayResult> {
  const sbom = await readCycloneDx(target);
  if (sbom) return sbom;
  const opened = await openTarget(target);
  const catalogers = catalogersForTarget(opened.source.description, opened.singleFile);
  const result = await scanSource(opened.source, {
    catalogers,
    processors: PROCESSORS,
    ...(opened.singleFile ? { singleFile: opened.singleFile } : {}),
  });
  const problems: RayProblem[] = result.problems.map((p) => ({
    code: p.code,
    severity: 'warning',
    message: `${target}: ${p.message}`,
    ...(p.path ? { file: p.path } : {}),
  }));
  const rayData = result.packages.some((p) => p.ecosystem === 'pypi' && RAY_DATA_MARKERS.has(p.name));
  const installed = result.packages
    .filter((p: Package) => p.ecosystem === 'pypi' && p.name === 'ray' && p.version)
    .map((p) => ({
      version: p.version!,
      source: target,
      ...(p.locations[0] ? { location: p.locations[0].path } : {}),
      rayData,
    }));
  if (installed.length === 0) {
    problems.push({
      code: 'RAY_SBOM_NO_RAY',
      severity: 'warning',
      message:
        catalogers.length === 0
          ? `${target}: no Python cataloger is available to read it, so no ray version was found.`
          : `${target} holds no ray package with a version.`,
    });
  }
  return { installed, problems };
}

async function readCycloneDx(target: string): Promise<InstalledRayResult | undefined> {
  const path = target.replace(/^file:/, '');
  if (!/\.json$/i.test(path)) return undefined;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    size = info.size;
  } catch {
    return undefined;
  }
  if (size > MAX_SBOM_BYTES) {
    throw new RaygateError(
      'RAY_SBOM_TOO_LARGE',
      'limit',
      `${target} is larger than ${MAX_SBOM_BYTES} bytes.`,
    );
  }
  const handle = await open(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const bom = doc as { bomFormat?: unknown; components?: unknown };
  if (bom === null || typeof bom !== 'object' || bom.bomFormat !== 'CycloneDX') return undefined;
  const found: { name: string; version?: string; ref?: string }[] = [];
  const visit = (components: unknown, depth: number) => {
    if (!Array.isArray(components) || depth > 32) return;
    for (const c of components as Record<string, unknown>[]) {
      if (c === null || typeof c !== 'object') continue;
      const purl = typeof c.purl === 'string' ? parsePurl(c.purl) : undefined;
      if (purl?.type === 'pypi') {
        found.push({
          name: normalizePythonName(purl.name),
          ...(purl.version
            ? { version: purl.version }
            : typeof c.version === 'string'
              ? { version: c.version }
              : {}),
          ...(typeof c['bom-ref'] === 'string' ? { ref: c['bom-ref'] } : {}),
        });
      }
      visit(c.components, depth + 1);
    }
  };
  visit(bom.components, 0);
  const rayData = found.some((c) => RAY_DATA_MARKERS.has(c.name));
  const installed = found
    .filter((c) => c.name === 'ray' && c.version)
    .map((c) => ({ version: c.version!, source: target, ...(c.ref ? { location: c.ref } : {}), rayData }));
  const problems: RayProblem[] =
    installed.length === 0
      ? [
          {
            code: 'RAY_SBOM_NO_RAY',
            severity: 'warning',
            message: `${target} lists no pkg:pypi/ray component with a version.`,
            file: target,
          },
        ]
      : [];
  return { installed, problems };
}
