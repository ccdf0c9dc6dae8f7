import { RaygateError } from '../../shared/errors.ts';
import { hashesOfComponent, licensesOfComponent } from './component-facts.ts';
import type { Location, Package, Problem, TargetDescription } from '../model.ts';
import { packageId } from '../package-id.ts';
import { purlToPackage } from './purl-to-package.ts';

/**
 * Reads the inventory back out of a CycloneDX JSON SBOM (any 1.x spec version, raygate's own or another
 * tool's): every component, nested ones included, becomes a Package from its purl. A component without a
 * purl is kept as a generic package (it is then reported as not assessed, not dropped). Pure.
 */
export interface CycloneDxInventory {
  target: TargetDescription;
  packages: Package[];
  problems: Problem[];
  /** The BOM's serial number and version, to refer back to it (BOM-Link) from a VEX. */
  serialNumber?: string;
  version?: number;
}

export const CYCLONEDX_INPUT_LIMITS = { maxComponents: 500_000, maxDepth: 64 } as const;

interface CdxComponent {
  'bom-ref'?: unknown;
  type?: unknown;
  name?: unknown;
  version?: unknown;
  purl?: unknown;
  components?: unknown;
  properties?: unknown;
  licenses?: unknown;
  hashes?: unknown;
  evidence?: { occurrences?: unknown };
}

/** True when `value` (parsed JSON) looks like a CycloneDX BOM. */
export function isCycloneDxJson(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as { bomFormat?: unknown }).bomFormat === 'CycloneDX';
}

export function parseCycloneDxJson(value: unknown, fileName: string): CycloneDxInventory {
  if (!isCycloneDxJson(value)) {
    throw new RaygateError(
      'SBOM_INPUT_INVALID',
      'input',
      `${fileName} is not a CycloneDX JSON document (no "bomFormat": "CycloneDX").`,
    );
  }
  const bom = value as {
    serialNumber?: unknown;
    version?: unknown;
    metadata?: { component?: CdxComponent };
    components?: unknown;
  };
  const packages: Package[] = [];
  const problems: Problem[] = [];
  let count = 0;
  const visit = (list: unknown, depth: number, where: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      problems.push({
        code: 'SBOM_INPUT_INVALID',
        severity: 'warning',
        message: `${where} is not a list`,
        path: fileName,
      });
      return;
    }
    if (depth > CYCLONEDX_INPUT_LIMITS.maxDepth) {
      problems.push({
        code: 'SBOM_INPUT_TOO_DEEP',
        severity: 'error',
        message: `components nest deeper than ${CYCLONEDX_INPUT_LIMITS.maxDepth} at ${where}`,
        path: fileName,
      });
      return;
    }
    for (const [i, item] of list.entries()) {
      if (++count > CYCLONEDX_INPUT_LIMITS.maxComponents) {
        throw new RaygateError(
          'SBOM_INPUT_TOO_LARGE',
          'limit',
          `${fileName} has more than ${CYCLONEDX_INPUT_LIMITS.maxComponents} components.`,
        );
      }
      const component = item as CdxComponent;
      if (!component || typeof component !== 'object') continue;
      const pkg = toPackage(component, `${where}[${i}]`, fileName, problems);
      if (pkg) packages.push(pkg);
      visit(component.components, depth + 1, `${where}[${i}].components`);
    }
  };
  visit(bom.components, 0, 'components');
  const main = bom.metadata?.component;
  return {
    target: {
      type: 'file',
      name: fileName,
      ...(typeof main?.version === 'string' ? { version: main.version } : {}),
      ...(typeof main?.name === 'string'
        ? { properties: { 'cyclonedx:metadata:component': main.name } }
        : {}),
    },
    packages,
    problems,
    ...(typeof bom.serialNumber === 'string' ? { serialNumber: bom.serialNumber } : {}),
    ...(typeof bom.version === 'number' ? { version: bom.version } : {}),
  };
}

function toPackage(
  component: CdxComponent,
  where: string,
  fileName: string,
  problems: Problem[],
): Package | undefined {
  const ref = typeof component['bom-ref'] === 'string' ? component['bom-ref'] : where;
  const properties = propertiesOf(component.properties);
  const locations = locationsOf(component, properties);
  const name = typeof component.name === 'string' ? component.name : undefined;
  const version = typeof component.version === 'string' ? component.version : undefined;
  if (typeof component.purl === 'string' && component.purl !== '') {
    const source = propertyEndingWith(properties, ['source']);
    const sourceVersion = propertyEndingWith(properties, [
      'sourceversion',
      'source-version',
      'source_version',
    ]);
    const pkg = purlToPackage(component.purl, {
      locations,
      ref,
      foundBy: 'cyclonedx',
      ...(source ? { source } : {}),
      ...(sourceVersion ? { sourceVersion } : {}),
    });
    if (pkg)
      return {
        ...pkg,
        hashes: hashesOfComponent(component.hashes),
        licenses: licensesOfComponent(component.licenses),
      };
    problems.push({
      code: 'SBOM_PURL_INVALID',
      severity: 'warning',
      message: `${where}: '${component.purl}' is not a package URL`,
      path: fileName,
    });
  }
  if (!name) return undefined;
  // Files, containers and the like are kept: they are reported as not assessed rather than silently dropped.
  return {
    id: packageId('generic', name, version, ref),
    ecosystem: 'generic',
    name,
    ...(version ? { version } : {}),
    foundBy: 'cyclonedx',
    locations,
    hashes: hashesOfComponent(component.hashes),
    licenses: licensesOfComponent(component.licenses),
    metadata: { kind: 'generic' },
  };
}

function propertiesOf(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(value)) return map;
  for (const p of value as { name?: unknown; value?: unknown }[]) {
    if (typeof p?.name === 'string' && typeof p.value === 'string' && !map.has(p.name))
      map.set(p.name, p.value);
  }
  return map;
}

/** Properties such as syft's `syft:metadata:source` and `syft:metadata:sourceVersion`, whatever the prefix. */
function propertyEndingWith(properties: Map<string, string>, suffixes: string[]): string | undefined {
  for (const [name, value] of properties) {
    const last = name.split(':').pop()!.toLowerCase();
    if (suffixes.includes(last) && value !== '') return value;
  }
  return undefined;
}

function locationsOf(component: CdxComponent, properties: Map<string, string>): Location[] {
  const out: Location[] = [];
  const occurrences = component.evidence?.occurrences;
  if (Array.isArray(occurrences)) {
    for (const o of occurrences as { location?: unknown; line?: unknown }[]) {
      if (typeof o?.location === 'string')
        out.push({ path: o.location, ...(typeof o.line === 'number' ? { line: o.line } : {}) });
    }
  }
  for (const [name, value] of properties) {
    if (/:location:\d+:path$/.test(name)) out.push({ path: value });
  }
  return out;
}
