import packageJson from '../../../package.json' with { type: 'json' };
import { assessPackages } from '../../advisories/assess.ts';
import { parseDistributionFilename } from '../../attest/pep740/dist-filename.ts';
import { discoverAttachments } from '../../attest/oci-referrers/discover.ts';
import { registryAttachmentStore } from '../../attest/oci-referrers/registry-store-client.ts';
import { parsePlatform, DEFAULT_PLATFORM } from '../../oci/platform.ts';
import { parseImageReference } from '../../oci/reference.ts';
import { toAdvisorySnapshot } from '../../policy/adapters/snapshots.ts';
import { toSbomEvidence } from '../../policy/adapters/sbom.ts';
import { toVulnerabilityEvidence } from '../../policy/adapters/vulnerabilities.ts';
import type { ArtifactEvidence, AttestationEvidence, SnapshotEvidence } from '../../policy/evidence.ts';
import { CATALOGERS, catalogersForTarget, PROCESSORS } from '../../sbom/catalogers/index.ts';
import { parseCycloneDxJson } from '../../sbom/cyclonedx-input/parse-cyclonedx-json.ts';
import { purlToPackage } from '../../sbom/cyclonedx-input/purl-to-package.ts';
import { randomSerialNumber } from '../../sbom/cyclonedx/serial-number.ts';
import { serializeBom } from '../../sbom/cyclonedx/serialize.ts';
import { toBom } from '../../sbom/cyclonedx/to-bom.ts';
import type { Package } from '../../sbom/model.ts';
import { scanSource } from '../../sbom/scan.ts';
import { IMAGE_LIMITS } from '../../sbom/sources/image-limits.ts';
import { imageSource } from '../../sbom/sources/image-source.ts';
import { connectRegistry, readRegistryImage } from '../../sbom/sources/oci-registry-reader.ts';
import { sha256Ref } from '../../shared/digest.ts';
import { describeError, isRaygateError } from '../../shared/errors.ts';
import type { ArtifactRecord } from '../../store/repos/releases.ts';
import { discoveredEvidence, uploadedBundleEvidence } from './attestations.ts';
import type { EvidenceEnvironment } from './environment.ts';

export interface UploadedDocument {
  name: string;
  digest: string;
  bytes: Uint8Array;
}

export interface ArtifactInputs {
  artifact: ArtifactRecord;
  /** The SBOM uploaded for it, if any (else one is generated from an image). */
  sbom?: UploadedDocument;
  bundles: UploadedDocument[];
}

/** What one artifact's evidence job stores as its part. */
export interface ArtifactPart {
  artifact: ArtifactEvidence;
  /** The advisory data assessed with, and the Sigstore trust verified with: the decision's replay inputs. */
  advisories?: SnapshotEvidence['advisories'];
  trustedRoot?: { source: string; digest: string };
  /** What could not be collected (the registry was unreachable for attachments, the mirror is empty). */
  problems: { code: string; message: string }[];
}

export interface CollectedArtifact {
  part: ArtifactPart;
  /** A CycloneDX JSON SBOM generated here, for the caller to store (its digest is in the evidence). */
  generatedSbom?: Uint8Array;
}

export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';
const MAX_SBOM_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Gathers one artifact's evidence: its inventory (the uploaded SBOM, else one generated from the image in
 * its registry; a wheel or sdist without SBOM is assessed as the distribution it is), the advisories that
 * affect it, and every signature and attestation found (uploaded bundles; referrers and cosign tags in the
 * registry), each verified. Errors that are the world's (a registry down) throw, so the job retries;
 * problems with the artifact itself become evidence the policy judges.
 */
export async function collectArtifactEvidence(
  env: EvidenceEnvironment,
  inputs: ArtifactInputs,
): Promise<CollectedArtifact> {
  const { artifact } = inputs;
  const problems: ArtifactPart['problems'] = [];
  const hex = artifact.digest.slice('sha256:'.length);
  const evidence: ArtifactEvidence = {
    kind: artifact.kind,
    name: artifact.name,
    digest: artifact.digest,
    ...(artifact.reference ? { reference: artifact.reference } : {}),
    attestations: [],
  };

  let packages: Package[] | undefined;
  let generatedSbom: Uint8Array | undefined;
  if (inputs.sbom) {
    packages = readUploadedSbom(inputs.sbom, problems);
    if (packages) {
      evidence.sbom = toSbomEvidence(packages, {
        origin: 'uploaded',
        format: 'cyclonedx-json',
        digest: inputs.sbom.digest,
      });
    }
  } else if (artifact.kind === 'image' && artifact.reference) {
    const generated = await generateImageSbom(env, artifact.reference);
    packages = generated.packages;
    generatedSbom = generated.bytes;
    evidence.sbom = toSbomEvidence(packages, {
      origin: 'generated',
      format: 'cyclonedx-json',
      digest: sha256Ref(generated.bytes),
    });
  } else if (artifact.kind === 'wheel' || artifact.kind === 'sdist') {
    const distribution = parseDistributionFilename(artifact.name);
    const own = distribution && purlToPackage(`pkg:pypi/${distribution.name}@${distribution.version}`);
    if (own) packages = [own];
  }

  const part: ArtifactPart = { artifact: evidence, problems };
  if (packages) {
    try {
      const source = await env.advisorySource();
      const assessment = await assessPackages(packages, source, { now: env.now() });
      evidence.vulnerabilities = toVulnerabilityEvidence(assessment);
      part.advisories = toAdvisorySnapshot(source.info());
    } catch (error) {
      if (!isRaygateError(error) || error.kind === 'unavailable' || error.kind === 'internal') throw error;
      // A missing or damaged mirror is the operator's to fix; the artifact stays unassessed meanwhile.
      problems.push({ code: error.code, message: error.message });
      env.log.warn('advisories unavailable for an artifact', { artifact: artifact.name, error });
    }
  }

  const trust = await env.trust();
  if (trust.snapshot) part.trustedRoot = trust.snapshot;
  const attestations: AttestationEvidence[] = inputs.bundles.map((b) =>
    uploadedBundleEvidence(b.bytes, hex, trust),
  );
  if (artifact.kind === 'image' && artifact.reference) {
    const ref = parseImageReference(artifact.reference);
    const client = await connectRegistry(ref, env.registries.accessFor(ref.registry));
    try {
      const discovery = await discoverAttachments(registryAttachmentStore(client), artifact.digest);
      for (const found of discovery.evidence) attestations.push(discoveredEvidence(found, trust));
      for (const p of discovery.problems) problems.push({ code: p.code, message: p.message });
    } finally {
      await client.close();
    }
  }
  evidence.attestations = attestations;
  return { part, ...(generatedSbom ? { generatedSbom } : {}) };
}

function readUploadedSbom(sbom: UploadedDocument, problems: ArtifactPart['problems']): Package[] | undefined {
  if (sbom.bytes.byteLength > MAX_SBOM_JSON_BYTES) {
    problems.push({ code: 'SBOM_INPUT_TOO_LARGE', message: `${sbom.name} is too large to read.` });
    return undefined;
  }
  try {
    const json = JSON.parse(Buffer.from(sbom.bytes).toString('utf8')) as unknown;
    return parseCycloneDxJson(json, sbom.name).packages;
  } catch (error) {
    problems.push({
      code: isRaygateError(error) ? error.code : 'SBOM_INPUT_INVALID',
      message: `${sbom.name}: ${describeError(error)}`,
    });
    return undefined;
  }
}

async function generateImageSbom(
  env: EvidenceEnvironment,
  reference: string,
): Promise<{ packages: Package[]; bytes: Uint8Array }> {
  const ref = parseImageReference(reference);
  const image = await readRegistryImage(
    reference,
    parsePlatform(DEFAULT_PLATFORM),
    env.registries.accessFor(ref.registry),
    IMAGE_LIMITS,
  );
  const source = imageSource(image, { limits: IMAGE_LIMITS });
  const scan = await scanSource(source, {
    catalogers: catalogersForTarget(source.description, undefined, CATALOGERS),
    processors: PROCESSORS,
  });
  const { bom } = toBom(scan, {
    tool: { name: packageJson.name, version: packageJson.version },
    timestamp: env.now(),
    serialNumber: randomSerialNumber(),
  });
  return { packages: scan.packages, bytes: Buffer.from(serializeBom(bom, 'json')) };
}
