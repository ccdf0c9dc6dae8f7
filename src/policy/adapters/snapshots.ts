import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { AdvisorySourceInfo } from '../../advisories/source.ts';
import type { TrustSource } from '../../attest/trusted-root-reader.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { hexDigest } from '../../shared/digest.ts';
import type { Digest, SnapshotEvidence } from '../evidence.ts';

/**
 * The advisory data an assessment used. A mirror generation is immutable, so its identity (generation,
 * import time, per-ecosystem counts and freshness) names it; pass `digest` when the caller stores the
 * snapshot itself. The live API has no snapshot: its answers are not replayable, and no digest is given.
 */
export function toAdvisorySnapshot(
  info: AdvisorySourceInfo,
  digest?: Digest,
): SnapshotEvidence['advisories'] {
  const own =
    info.kind === 'mirror' && info.generation
      ? `sha256:${hexDigest(
          'sha256',
          canonicalJson({
            generation: info.generation,
            importedAt: info.importedAt ?? null,
            ecosystems: info.ecosystems ?? {},
          }),
        )}`
      : undefined;
  const chosen = digest ?? own;
  return {
    kind: info.kind,
    location: info.location,
    ...(info.generation ? { generation: info.generation } : {}),
    ...(chosen ? { digest: chosen } : {}),
  };
}

/** The Sigstore trusted root verification used: sha256 of its canonical JSON, and where it came from. */
export function toTrustedRootSnapshot(
  root: TrustedRoot,
  source: TrustSource,
): NonNullable<SnapshotEvidence['trustedRoot']> {
  return {
    source: source.kind === 'file' ? `file ${source.path}` : `tuf ${source.mirror} (${source.via})`,
    digest: `sha256:${hexDigest('sha256', canonicalJson(TrustedRoot.toJSON(root)))}`,
  };
}
