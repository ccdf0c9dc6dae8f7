import { attachFindingsToBom } from '../../advisories/cyclonedx-vex.ts';
import type { Finding, IgnoredFinding } from '../../advisories/finding.ts';
import { randomSerialNumber } from '../../sbom/cyclonedx/serial-number.ts';
import { serializeBom } from '../../sbom/cyclonedx/serialize.ts';
import { toBom } from '../../sbom/cyclonedx/to-bom.ts';
import type { Package, Problem, Relationship, TargetDescription } from '../../sbom/model.ts';

/**
 * `raygate scan --format cyclonedx`: the same SBOM `raygate sbom` writes for the inventory, with the
 * findings as its `vulnerabilities` (CycloneDX VEX style), each pointing at the component it affects.
 */
export function renderScanCycloneDx(parts: {
  version: string;
  now: Date;
  target: TargetDescription;
  packages: readonly Package[];
  relationships: readonly Relationship[];
  problems: readonly Problem[];
  findings: readonly Finding[];
  ignored: readonly IgnoredFinding[];
}): string {
  const { bom, components } = toBom(
    {
      target: parts.target,
      packages: [...parts.packages],
      relationships: [...parts.relationships],
      problems: [...parts.problems],
      environments: [],
      indexes: [],
    },
    { tool: { name: 'raygate', version: parts.version }, timestamp: parts.now },
  );
  bom.serialNumber = randomSerialNumber();
  attachFindingsToBom(bom, parts.findings, parts.ignored, (pkg) => components.get(pkg.id)?.bomRef);
  return serializeBom(bom, 'json');
}
