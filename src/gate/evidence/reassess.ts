import { assessPackages } from '../../advisories/assess.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import { parseDistributionFilename } from '../../attest/pep740/dist-filename.ts';
import { toAdvisorySnapshot } from '../../policy/adapters/snapshots.ts';
import { toVulnerabilityEvidence } from '../../policy/adapters/vulnerabilities.ts';
import { parseCycloneDxJson } from '../../sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import { purlToPackage } from '../../sbom/cyclonedx-input/purl-to-package.ts';
import type { Package } from '../../sbom/model.ts';
import type { ArtifactPart } from './collect-artifact.ts';

/**
 * True when the part was assessed with other advisory data than `source` holds now (a newer mirror
 * generation): its findings may be out of date. A part never assessed because the mirror was missing or
 * damaged when its evidence was collected counts too, once it has an inventory to assess.
 */
export function assessedWithOtherData(part: ArtifactPart, source: AdvisorySource): boolean {
  const now = toAdvisorySnapshot(source.info());
  if (now?.kind !== 'mirror') return false;
  if (!part.artifact.vulnerabilities) return !part.advisories && inventoryOf(part.artifact) !== undefined;
  if (!part.advisories) return false;
  return now.generation !== part.advisories.generation || now.digest !== part.advisories.digest;
}

/** Where an artifact's packages come from: its SBOM, or a wheel or sdist's own name. */
function inventoryOf(artifact: ArtifactPart['artifact']): 'sbom' | 'distribution' | undefined {
  if (artifact.sbom?.digest) return 'sbom';
  if ((artifact.kind === 'wheel' || artifact.kind === 'sdist') && parseDistributionFilename(artifact.name))
    return 'distribution';
  return undefined;
}

/**
 * Assesses an artifact's inventory again with the current advisory data: the stored SBOM document
 * (`loadSbom` returns its bytes), or for a wheel or sdist without one, the distribution itself.
 */
export async function reassessArtifact(
  part: ArtifactPart,
  source: AdvisorySource,
  loadSbom: (digest: string) => Promise<Uint8Array>,
  now: Date,
): Promise<ArtifactPart> {
  const artifact = part.artifact;
  let packages: Package[] | undefined;
  if (artifact.sbom?.digest) {
    const bytes = await loadSbom(artifact.sbom.digest);
    packages = parseCycloneDxJson(JSON.parse(Buffer.from(bytes).toString('utf8')), artifact.name).packages;
  } else if (artifact.kind === 'wheel' || artifact.kind === 'sdist') {
    const distribution = parseDistributionFilename(artifact.name);
    const own = distribution && purlToPackage(`pkg:pypi/${distribution.name}@${distribution.version}`);
    if (own) packages = [own];
  }
  if (!packages) return part;
  const assessment = await assessPackages(packages, source, { now });
  return {
    ...part,
    artifact: { ...artifact, vulnerabilities: toVulnerabilityEvidence(assessment) },
    advisories: toAdvisorySnapshot(source.info()),
  };
}
