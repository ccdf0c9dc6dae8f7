import * as Models from '@cyclonedx/cyclonedx-library/Models';
import type { Package, Problem, ScanResult } from '../model.ts';
import { compareStrings } from '../scan.ts';
import { assignBomRefs, validPurl } from './bom-refs.ts';
import { sortLocations } from './component-properties.ts';
import { toComponent } from './to-component.ts';
import {
  addProperties,
  scanProperties,
  TARGET_BOM_REF,
  toTargetComponent,
  toToolComponent,
  type ToolIdentity,
} from './to-metadata.ts';
import { TextCleaner } from './xml-text.ts';

export interface ToBomOptions {
  tool: ToolIdentity;
  /** `metadata.timestamp`; the caller decides (now, SOURCE_DATE_EPOCH, or epoch 0 when reproducible). */
  timestamp?: Date;
  /** Marks the document `cdx:reproducible`. */
  reproducible?: boolean;
  /** `urn:uuid:...`; see serial-number.ts for random and content-derived ones. */
  serialNumber?: string;
}

export interface BomConversion {
  bom: Models.Bom;
  /** The component each package became, by package id (to attach findings to, for one). */
  components: ReadonlyMap<string, Models.Component>;
  /**
   * What the conversion could not carry as given (an invalid purl or hash, a vendoring cycle, text XML
   * cannot hold...). Each is also recorded in the BOM as a `raygate:problem`, after the scan's own.
   */
  notes: Problem[];
}

/**
 * ScanResult → CycloneDX 1.6 model. Pure. Everything in the BOM is in a fixed order that depends only on
 * the scan (components and dependencies by bom-ref, compared by code point; properties in the order
 * component-properties.ts writes them), so serializing without the library's locale-dependent sorting
 * gives the same bytes on every machine.
 */
export function toBom(result: ScanResult, options: ToBomOptions): BomConversion {
  const cleaner = new TextCleaner();
  const notes: Problem[] = [];
  const packages = uniquePackages(result.packages);
  const byId = new Map(packages.map((p) => [p.id, p]));
  const refs = assignBomRefs(packages, [TARGET_BOM_REF]);
  const refOf = (id: string) => refs.get(id)!;
  const byRef = (a: string, b: string) => compareStrings(refOf(a), refOf(b));

  // Edges between packages: `depends-on` and `vendors` both put `to` into `from`'s dependsOn.
  const edges = new Map<string, Set<string>>();
  const owners = new Map<string, string[]>();
  for (const relationship of result.relationships) {
    if (!byId.has(relationship.from) || !byId.has(relationship.to)) {
      notes.push({
        code: 'CYCLONEDX_RELATIONSHIP_DANGLING',
        severity: 'warning',
        message: `Dropped '${relationship.from}' ${relationship.type} '${relationship.to}': no such package in the scan.`,
      });
      continue;
    }
    if (!edges.has(relationship.from)) edges.set(relationship.from, new Set());
    edges.get(relationship.from)!.add(relationship.to);
    if (relationship.type === 'vendors') {
      if (!owners.has(relationship.to)) owners.set(relationship.to, []);
      owners.get(relationship.to)!.push(relationship.from);
    }
  }

  const ordered = [...packages].sort((a, b) => byRef(a.id, b.id));
  const components = new Map<string, Models.Component>();
  for (const pkg of ordered) {
    const location = sortLocations(pkg.locations)[0];
    const note = (code: string, message: string) =>
      notes.push({ code, severity: 'warning', message, ...(location ? { path: location.path } : {}) });
    const vendoredBy = (owners.get(pkg.id) ?? []).map(refOf);
    const invalidPurl = pkg.purl !== undefined && validPurl(pkg) === undefined;
    components.set(
      pkg.id,
      toComponent({ pkg, bomRef: refOf(pkg.id), vendoredBy, invalidPurl }, cleaner, note),
    );
  }

  const parents = nestingParents(ordered, owners, byRef, (pkg) =>
    notes.push({
      code: 'CYCLONEDX_VENDOR_CYCLE',
      severity: 'warning',
      message: `${refOf(pkg.id)} is vendored by a package it vendors itself; listed at the top level, its owners in raygate:vendored-by.`,
    }),
  );

  const bom = new Models.Bom();
  for (const pkg of ordered) {
    const parent = parents.get(pkg.id);
    (parent ? components.get(parent)!.components : bom.components).add(components.get(pkg.id)!);
  }
  for (const pkg of ordered) {
    const component = components.get(pkg.id)!;
    for (const to of [...(edges.get(pkg.id) ?? [])].sort(byRef)) {
      component.dependencies.add(components.get(to)!.bomRef);
    }
  }

  const target = toTargetComponent(result.target, cleaner);
  for (const id of graphRoots(ordered, edges, parents).sort(byRef))
    target.dependencies.add(components.get(id)!.bomRef);

  bom.metadata.component = target;
  bom.metadata.timestamp = options.timestamp;
  bom.metadata.tools.components.add(toToolComponent(options.tool));
  if (options.serialNumber) bom.serialNumber = options.serialNumber;

  const pathOfRef = new Map<string, string>();
  for (const pkg of ordered) {
    const location = sortLocations(pkg.locations)[0];
    if (location) pathOfRef.set(refOf(pkg.id), location.path);
  }
  notes.push(...textNotes(cleaner, pathOfRef));
  const reproducible = options.reproducible ?? false;
  let properties = scanProperties(result, [...result.problems, ...notes], reproducible);
  const probe = new TextCleaner();
  for (const [name, value] of properties) probe.clean(value, 'metadata', name);
  if (probe.changes().length > 0) {
    // Problem messages quote paths and file contents; say so if those needed cleaning too.
    notes.push(...textNotes(probe, new Map()));
    properties = scanProperties(result, [...result.problems, ...notes], reproducible);
  }
  addProperties(bom.metadata.properties, properties, cleaner, 'metadata');
  return { bom, components, notes };
}

/** Package ids are unique in a ScanResult; a repeat is a bug upstream, not something to paper over. */
function uniquePackages(packages: readonly Package[]): readonly Package[] {
  const seen = new Set<string>();
  for (const pkg of packages) {
    if (seen.has(pkg.id)) throw new Error(`ScanResult has two packages with id ${pkg.id}`);
    seen.add(pkg.id);
  }
  return packages;
}

/**
 * Where each vendored package is nested: under its first owner (by bom-ref) whose own chain of
 * parents does not lead back to it. A package vendored by several owners sits under one; every owner
 * still lists it in dependsOn and in its raygate:vendored-by property.
 */
function nestingParents(
  ordered: readonly Package[],
  owners: Map<string, string[]>,
  byRef: (a: string, b: string) => number,
  onCycle: (pkg: Package) => void,
): Map<string, string> {
  const parents = new Map<string, string>();
  for (const pkg of ordered) {
    const candidates = [...new Set(owners.get(pkg.id) ?? [])].filter((o) => o !== pkg.id).sort(byRef);
    if (candidates.length === 0) continue;
    const parent = candidates.find((owner) => !leadsTo(parents, owner, pkg.id));
    if (parent === undefined) onCycle(pkg);
    else parents.set(pkg.id, parent);
  }
  return parents;
}

function leadsTo(parents: Map<string, string>, from: string, to: string): boolean {
  for (let at: string | undefined = from; at !== undefined; at = parents.get(at)) {
    if (at === to) return true;
  }
  return false;
}

/**
 * What the target's dependsOn lists: the top-level packages nothing else depends on or vendors, plus —
 * for a dependency cycle nothing outside reaches — its first member by bom-ref, so that every component
 * is reachable from the target.
 */
function graphRoots(
  ordered: readonly Package[],
  edges: Map<string, Set<string>>,
  parents: Map<string, string>,
): string[] {
  const targeted = new Set<string>();
  for (const [from, tos] of edges) for (const to of tos) if (to !== from) targeted.add(to);
  const visited = new Set<string>();
  const visit = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (visited.has(id)) continue;
      visited.add(id);
      for (const next of edges.get(id) ?? []) stack.push(next);
    }
  };
  const roots: string[] = [];
  for (const pkg of ordered) {
    if (!parents.has(pkg.id) && !targeted.has(pkg.id)) {
      roots.push(pkg.id);
      visit(pkg.id);
    }
  }
  for (const pkg of ordered) {
    if (!visited.has(pkg.id) && !parents.has(pkg.id)) {
      roots.push(pkg.id);
      visit(pkg.id);
    }
  }
  return roots;
}

function textNotes(cleaner: TextCleaner, pathOfRef: Map<string, string>): Problem[] {
  return cleaner.changes().map(({ owner, fields }): Problem => {
    const path = pathOfRef.get(owner);
    return {
      code: 'CYCLONEDX_TEXT_REPLACED',
      severity: 'warning',
      message: `${owner}: characters XML 1.0 cannot hold (control characters) were replaced with U+FFFD in ${fields.join(', ')}.`,
      ...(path ? { path } : {}),
    };
  });
}
