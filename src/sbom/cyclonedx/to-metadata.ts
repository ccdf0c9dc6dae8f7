import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import { isHexDigest } from '../../shared/digest.ts';
import { parsePurl } from '../../shared/purl.ts';
import type {
  IndexDeclaration,
  Problem,
  PythonEnvironment,
  ScanResult,
  TargetDescription,
} from '../model.ts';
import { compareStrings } from '../scan.ts';
import type { PropertyList } from './component-properties.ts';
import { CDX, RAYGATE } from './properties.ts';
import type { TextCleaner } from './xml-text.ts';

/** The tool that wrote the BOM; its version comes from the caller (the CLI reads package.json). */
export interface ToolIdentity {
  name: string;
  version: string;
}

const CONTAINER_TARGETS = new Set<TargetDescription['type']>([
  'image',
  'docker-archive',
  'oci-dir',
  'oci-archive',
]);

/** The bom-ref of `metadata.component`; package bom-refs never take it. */
export const TARGET_BOM_REF = 'raygate:target';

/**
 * `metadata.component`: what was scanned. A folder or a file is an application; an image or image
 * archive a container, with its digest as a hash when it is a SHA-256.
 */
export function toTargetComponent(target: TargetDescription, cleaner: TextCleaner): Models.Component {
  const text = (value: string, field: string) => cleaner.clean(value, TARGET_BOM_REF, field);
  const container = CONTAINER_TARGETS.has(target.type);
  const component = new Models.Component(
    container ? Enums.ComponentType.Container : Enums.ComponentType.Application,
    text(target.name, 'name'),
    {
      bomRef: TARGET_BOM_REF,
      version: target.version ? text(target.version, 'version') : undefined,
      // An image is named by its `pkg:oci/...` purl (manifest digest as the version), so consumers can
      // tie the SBOM to exactly the image it describes.
      purl: target.purl !== undefined && parsePurl(target.purl) ? target.purl : undefined,
    },
  );
  const sha256 = /^sha256:([0-9a-f]+)$/.exec(target.digest ?? '')?.[1];
  if (sha256 !== undefined && isHexDigest('sha256', sha256)) {
    component.hashes.set(Enums.HashAlgorithm['SHA-256'], sha256);
  }
  const properties: PropertyList = [[RAYGATE.targetType, target.type]];
  if (target.digest) properties.push([RAYGATE.targetDigest, target.digest]);
  for (const key of Object.keys(target.properties ?? {}).sort(compareStrings)) {
    properties.push([RAYGATE.targetProperty(key), target.properties![key]!]);
  }
  for (const [name, value] of properties) {
    if (value !== '') component.properties.add(new Models.Property(name, text(value, name)));
  }
  return component;
}

export function toToolComponent(tool: ToolIdentity): Models.Component {
  return new Models.Component(Enums.ComponentType.Application, tool.name, { version: tool.version });
}

/**
 * Document-level facts: reproducibility, every problem of the scan and of the conversion (one
 * `raygate:problem` each, plus counts), the Python environments found and the index options declared.
 */
export function scanProperties(
  result: ScanResult,
  problems: readonly Problem[],
  reproducible: boolean,
): PropertyList {
  const out: PropertyList = [];
  if (reproducible) out.push([CDX.reproducible, 'true']);
  out.push([RAYGATE.problemCount, String(problems.length)]);
  for (const severity of ['error', 'warning'] as const) {
    out.push([
      RAYGATE.problemCountBySeverity(severity),
      String(problems.filter((p) => p.severity === severity).length),
    ]);
  }
  for (const problem of problems) out.push([RAYGATE.problem, describeProblem(problem)]);
  result.environments.forEach((environment, n) => out.push(...environmentProperties(environment, n)));
  result.indexes.forEach((declaration, n) => out.push(...indexProperties(declaration, n)));
  return out;
}

/** `<severity> <CODE> [<path>[:<line>]] [layer <digest>] [by <cataloger>]: <message>` */
export function describeProblem(problem: Problem): string {
  let where = '';
  if (problem.path) where += ` ${problem.path}${problem.line ? `:${problem.line}` : ''}`;
  if (problem.layer) where += ` layer ${problem.layer}`;
  if (problem.cataloger) where += ` by ${problem.cataloger}`;
  return `${problem.severity} ${problem.code}${where}: ${problem.message}`;
}

function environmentProperties(environment: PythonEnvironment, n: number): PropertyList {
  const out: PropertyList = [[RAYGATE.environment(n, 'site-packages'), environment.sitePackages]];
  if (environment.prefix) out.push([RAYGATE.environment(n, 'prefix'), environment.prefix]);
  if (environment.pythonVersion) {
    out.push([RAYGATE.environment(n, 'python-version'), environment.pythonVersion]);
  }
  for (const marker of Object.keys(environment.markers).sort(compareStrings)) {
    out.push([RAYGATE.environmentMarker(n, marker), environment.markers[marker]!]);
  }
  return out;
}

function indexProperties(declaration: IndexDeclaration, n: number): PropertyList {
  const out: PropertyList = [
    [RAYGATE.index(n, 'kind'), declaration.kind],
    [RAYGATE.index(n, 'value'), declaration.value],
    [RAYGATE.index(n, 'path'), declaration.location.path],
  ];
  if (declaration.location.line) out.push([RAYGATE.index(n, 'line'), String(declaration.location.line)]);
  if (declaration.location.layer) out.push([RAYGATE.index(n, 'layer'), declaration.location.layer]);
  return out;
}

/** Adds properties in order, cleaning each value for XML and skipping empty ones. */
export function addProperties(
  repository: Models.PropertyRepository,
  properties: PropertyList,
  cleaner: TextCleaner,
  owner: string,
) {
  for (const [name, value] of properties) {
    if (value !== '') repository.add(new Models.Property(name, cleaner.clean(value, owner, name)));
  }
}
