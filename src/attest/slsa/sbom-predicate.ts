/** A summary of an SBOM predicate (CycloneDX or SPDX), enough to say what the attestation carries. */
export interface SbomFacts {
  format: 'CycloneDX' | 'SPDX' | 'unknown';
  specVersion?: string;
  components?: number;
}

export function readSbomPredicate(predicate: unknown): SbomFacts {
  if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate))
    return { format: 'unknown' };
  const body = predicate as Record<string, unknown>;
  if (body.bomFormat === 'CycloneDX') {
    return {
      format: 'CycloneDX',
      ...(typeof body.specVersion === 'string' ? { specVersion: body.specVersion } : {}),
      ...(Array.isArray(body.components) ? { components: body.components.length } : {}),
    };
  }
  if (typeof body.spdxVersion === 'string') {
    return {
      format: 'SPDX',
      specVersion: body.spdxVersion,
      ...(Array.isArray(body.packages) ? { components: body.packages.length } : {}),
    };
  }
  return { format: 'unknown' };
}
