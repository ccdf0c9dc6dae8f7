import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { attachFindingsToBom } from '../../advisories/cyclonedx-vex.ts';
import type { Finding, IgnoredFinding } from '../../advisories/finding.ts';
import type { Package, TargetDescription } from '../../sbom/model.ts';

/**
 * `raygate scan --format cyclonedx`: the scanned inventory as CycloneDX 1.6 components with the findings as
 * its `vulnerabilities`. The components carry identity only (name, version, purl, bom-ref = package id).
 * MERGE NOTE: once the SBOM writer (src/sbom/cyclonedx/) is in, build the Bom with its `toBom` instead of
 * `identityBom` and keep `attachFindingsToBom`, mapping each finding's `package.id` to the writer's bom-ref.
 */
export function renderScanCycloneDx(parts: {
  version: string;
  now: Date;
  target: TargetDescription;
  packages: readonly Package[];
  findings: readonly Finding[];
  ignored: readonly IgnoredFinding[];
}): string {
  const { bom, refs } = identityBom(parts.target, parts.packages, parts.version, parts.now);
  attachFindingsToBom(bom, parts.findings, parts.ignored, (pkg) => refs.get(pkg.id));
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

export function identityBom(
  target: TargetDescription,
  packages: readonly Package[],
  version: string,
  now: Date,
): { bom: Models.Bom; refs: Map<string, Models.BomRef> } {
  const bom = new Models.Bom();
  bom.metadata.timestamp = now;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'raygate', { version }),
  );
  bom.metadata.component = new Models.Component(Enums.ComponentType.Application, target.name, {
    bomRef: 'target',
    ...(target.version ? { version: target.version } : {}),
  });
  const refs = new Map<string, Models.BomRef>();
  for (const pkg of packages) {
    if (refs.has(pkg.id)) continue;
    const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
      bomRef: pkg.id,
      ...(pkg.version ? { version: pkg.version } : {}),
    });
    if (pkg.purl) component.purl = pkg.purl;
    bom.components.add(component);
    refs.set(pkg.id, component.bomRef);
  }
  return { bom, refs };
}
