import type { Package } from '../../sbom/model.ts';
import type { Digest, PackageEvidence, SbomEvidence } from '../evidence.ts';

export interface SbomOrigin {
  origin: SbomEvidence['origin'];
  format: SbomEvidence['format'];
  /** Digest of the SBOM document as stored. */
  digest?: Digest;
}

/** The inventory an SBOM lists (a scan's packages, or those read back from an uploaded SBOM), as evidence. */
export function toSbomEvidence(packages: readonly Package[], origin: SbomOrigin): SbomEvidence {
  return {
    origin: origin.origin,
    format: origin.format,
    ...(origin.digest ? { digest: origin.digest } : {}),
    packages: packages
      .filter((p) => p.ecosystem !== 'os')
      .map(toPackageEvidence)
      .sort((a, b) =>
        compare(`${a.ecosystem}/${a.name}@${a.version ?? ''}`, `${b.ecosystem}/${b.name}@${b.version ?? ''}`),
      ),
  };
}

function toPackageEvidence(p: Package): PackageEvidence {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    ...(p.purl ? { purl: p.purl } : {}),
    licenses: p.licenses.map((l) => ('expression' in l ? { expression: l.expression } : { text: l.text })),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
