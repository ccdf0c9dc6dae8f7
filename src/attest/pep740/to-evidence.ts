import type { Evidence, EvidenceOrigin } from '../evidence/evidence.ts';
import { pep740ToBundle, readPep740Attestation } from './attestation.ts';
import type { Pep740Provenance } from './provenance-object.ts';
import type { TrustedPublisher } from './publisher.ts';

/** The distribution file the evidence is about. */
export interface DistributionFile {
  filename: string;
  sha256: string;
}

function adapt(
  make: () => ReturnType<typeof pep740ToBundle>,
  file: DistributionFile,
  origin: EvidenceOrigin,
  id: string,
  publisher: TrustedPublisher | undefined,
): Evidence {
  const base = {
    id,
    origin,
    format: 'pep740' as const,
    subjectSha256: file.sha256,
    distributionFilename: file.filename,
    ...(publisher ? { publisher } : {}),
  };
  try {
    return {
      ...base,
      content: {
        kind: 'bundle',
        bundle: make(),
        artifact: { kind: 'digest', algorithm: 'sha256', hex: file.sha256 },
      },
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return {
      ...base,
      content: { kind: 'malformed', code: e.code ?? 'PEP740_MALFORMED', message: e.message ?? String(error) },
    };
  }
}

/** Every attestation of a PEP 740 provenance object, with the publisher PyPI recorded for it. */
export function pep740ProvenanceEvidence(
  provenance: Pep740Provenance,
  file: DistributionFile,
  origin: EvidenceOrigin,
  idPrefix: string,
): Evidence[] {
  return provenance.bundles.flatMap((bundle, b) =>
    bundle.attestations.map((entry, a) =>
      entry.ok
        ? adapt(
            () => pep740ToBundle(entry.attestation),
            file,
            origin,
            `${idPrefix}#${b}.${a}`,
            bundle.publisher,
          )
        : {
            id: `${idPrefix}#${b}.${a}`,
            origin,
            format: 'pep740' as const,
            subjectSha256: file.sha256,
            distributionFilename: file.filename,
            publisher: bundle.publisher,
            content: { kind: 'malformed' as const, code: entry.code, message: entry.message },
          },
    ),
  );
}

/** One attestation object (a local `<file>.publish.attestation`), optionally with the expected publisher. */
export function pep740AttestationEvidence(
  json: unknown,
  file: DistributionFile,
  origin: EvidenceOrigin,
  id: string,
  publisher?: TrustedPublisher,
): Evidence {
  return adapt(() => pep740ToBundle(readPep740Attestation(json)), file, origin, id, publisher);
}
