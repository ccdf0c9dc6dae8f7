import {
  assertBundleLatest,
  assertBundleV01,
  assertBundleV02,
  bundleFromJSON,
  ValidationError,
} from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { attestError, messageOf } from './errors.ts';
import { ATTEST_LIMITS } from './limits.ts';

export type BundleVersion = '0.1' | '0.2' | '0.3';

export interface ParsedBundle {
  bundle: Bundle;
  version: BundleVersion;
  mediaType: string;
}

// Both spellings the specification has used: `…bundle+json;version=0.3` and `…bundle.v0.3+json`.
const MEDIA_TYPE =
  /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;version=(\d+\.\d+)|\.v(\d+\.\d+)(?:\.\d+)?\+json)$/;

/** The bundle version a media type names, or undefined when it is not a Sigstore bundle media type. */
export function bundleVersionOf(mediaType: string): string | undefined {
  const match = MEDIA_TYPE.exec(mediaType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Reads a Sigstore bundle (JSON, any of v0.1, v0.2, v0.3) and checks it is well formed for its version:
 * v0.1 entries carry an inclusion promise, v0.2+ entries an inclusion proof with a checkpoint, v0.3 holds a
 * single certificate, and a certificate chain never contains a root (a self-signed certificate), because
 * roots come from the trusted root and never from the bundle.
 */
export function parseBundle(input: string | Uint8Array): ParsedBundle {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > ATTEST_LIMITS.maxBundleBytes) {
    throw attestError(
      'BUNDLE_MALFORMED',
      `The bundle is ${size} bytes; bundles larger than ${ATTEST_LIMITS.maxBundleBytes} bytes are refused.`,
    );
  }
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw attestError('BUNDLE_MALFORMED', `The bundle is not JSON: ${messageOf(error)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw attestError('BUNDLE_MALFORMED', 'The bundle is not a JSON object.');
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string') {
    throw attestError('BUNDLE_MALFORMED', 'The bundle has no mediaType.', { field: 'mediaType' });
  }
  const version = bundleVersionOf(mediaType);
  if (version === undefined) {
    throw attestError('BUNDLE_MALFORMED', `Unknown bundle media type ${JSON.stringify(mediaType)}.`, {
      field: 'mediaType',
    });
  }
  if (version !== '0.1' && version !== '0.2' && version !== '0.3') {
    throw attestError(
      'BUNDLE_UNSUPPORTED',
      `Bundle version ${version} is not supported (0.1, 0.2, 0.3 are).`,
      {
        mediaType,
      },
    );
  }

  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
    if (version === '0.1') assertBundleV01(bundle);
    else if (version === '0.2') assertBundleV02(bundle);
    else assertBundleLatest(bundle);
  } catch (error) {
    const fields = error instanceof ValidationError ? error.fields : undefined;
    throw attestError(
      'BUNDLE_MALFORMED',
      `The bundle is not a valid v${version} bundle${fields ? `: missing or invalid ${fields.join(', ')}` : `: ${messageOf(error)}`}.`,
      { mediaType, ...(fields ? { fields } : {}) },
      error,
    );
  }
  checkCertificateChain(bundle);
  return { bundle, version, mediaType };
}

function checkCertificateChain(bundle: Bundle): void {
  const content = bundle.verificationMaterial.content;
  const raw =
    content.$case === 'x509CertificateChain'
      ? content.x509CertificateChain.certificates.map((c) => c.rawBytes)
      : content.$case === 'certificate'
        ? [content.certificate.rawBytes]
        : [];
  raw.forEach((bytes, index) => {
    let certificate: X509Certificate;
    try {
      certificate = X509Certificate.parse(Buffer.from(bytes));
    } catch (error) {
      throw attestError(
        'BUNDLE_MALFORMED',
        `Certificate ${index} in the bundle cannot be parsed: ${messageOf(error)}.`,
        { field: `verificationMaterial.certificates[${index}]` },
        error,
      );
    }
    if (index === 0 && certificate.isCA) {
      throw attestError(
        'BUNDLE_CERTIFICATE_INVALID',
        'The first certificate in the bundle is a CA certificate; it must be the leaf that signed.',
        { field: 'verificationMaterial.certificates[0]' },
      );
    }
    if (certificate.subject.equals(certificate.issuer)) {
      throw attestError(
        'BUNDLE_CERTIFICATE_INVALID',
        `Certificate ${index} in the bundle is a self-signed root. A bundle must not carry its own root: trust comes from the trusted root only.`,
        { field: `verificationMaterial.certificates[${index}]` },
      );
    }
  });
}
