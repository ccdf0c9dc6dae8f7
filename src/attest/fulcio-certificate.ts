import type { X509Certificate } from '@sigstore/core';
import { attestError, messageOf } from './errors.ts';

/**
 * Fulcio's certificate extensions (OID arc 1.3.6.1.4.1.57264.1, see Fulcio's docs/oid-info.md). 1.1–1.6
 * are raw strings (deprecated, still issued); 1.8 onwards are DER UTF8Strings.
 */
export const FULCIO_EXTENSIONS = {
  issuerV1: { oid: '1.3.6.1.4.1.57264.1.1', der: false },
  githubWorkflowTrigger: { oid: '1.3.6.1.4.1.57264.1.2', der: false },
  githubWorkflowSha: { oid: '1.3.6.1.4.1.57264.1.3', der: false },
  githubWorkflowName: { oid: '1.3.6.1.4.1.57264.1.4', der: false },
  githubWorkflowRepository: { oid: '1.3.6.1.4.1.57264.1.5', der: false },
  githubWorkflowRef: { oid: '1.3.6.1.4.1.57264.1.6', der: false },
  issuer: { oid: '1.3.6.1.4.1.57264.1.8', der: true },
  buildSignerURI: { oid: '1.3.6.1.4.1.57264.1.9', der: true },
  buildSignerDigest: { oid: '1.3.6.1.4.1.57264.1.10', der: true },
  runnerEnvironment: { oid: '1.3.6.1.4.1.57264.1.11', der: true },
  sourceRepositoryURI: { oid: '1.3.6.1.4.1.57264.1.12', der: true },
  sourceRepositoryDigest: { oid: '1.3.6.1.4.1.57264.1.13', der: true },
  sourceRepositoryRef: { oid: '1.3.6.1.4.1.57264.1.14', der: true },
  sourceRepositoryIdentifier: { oid: '1.3.6.1.4.1.57264.1.15', der: true },
  sourceRepositoryOwnerURI: { oid: '1.3.6.1.4.1.57264.1.16', der: true },
  sourceRepositoryOwnerIdentifier: { oid: '1.3.6.1.4.1.57264.1.17', der: true },
  buildConfigURI: { oid: '1.3.6.1.4.1.57264.1.18', der: true },
  buildConfigDigest: { oid: '1.3.6.1.4.1.57264.1.19', der: true },
  buildTrigger: { oid: '1.3.6.1.4.1.57264.1.20', der: true },
  runInvocationURI: { oid: '1.3.6.1.4.1.57264.1.21', der: true },
  sourceRepositoryVisibilityAtSigning: { oid: '1.3.6.1.4.1.57264.1.22', der: true },
  deploymentEnvironment: { oid: '1.3.6.1.4.1.57264.1.23', der: true },
} as const;

export type FulcioExtensionName = keyof typeof FULCIO_EXTENSIONS;

/** otherName SAN type Fulcio uses for usernames. */
const OTHERNAME_USERNAME_OID = '1.3.6.1.4.1.57264.1.7';

export interface SignerCertificate {
  /** Every identity in the Subject Alternative Name: URIs, email addresses and Fulcio usernames. */
  identities: string[];
  /** The OIDC issuer: extension 1.8, or the deprecated 1.1 for certificates issued before it existed. */
  issuer: string | undefined;
  extensions: Partial<Record<FulcioExtensionName, string>>;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** Reads who a Fulcio certificate was issued to. */
export function readSignerCertificate(certificate: X509Certificate): SignerCertificate {
  const extensions: Partial<Record<FulcioExtensionName, string>> = {};
  for (const [name, { oid, der }] of Object.entries(FULCIO_EXTENSIONS)) {
    const extension = certificate.extension(oid);
    if (!extension) continue;
    try {
      const value = der ? extension.valueObj.subs[0]?.value : extension.value;
      if (value === undefined) throw new Error('empty extension');
      extensions[name as FulcioExtensionName] = value.toString('utf8');
    } catch (error) {
      throw attestError(
        'BUNDLE_CERTIFICATE_INVALID',
        `The signing certificate's extension ${oid} cannot be read: ${messageOf(error)}.`,
        { oid },
        error,
      );
    }
  }
  const san = certificate.extSubjectAltName;
  const identities: string[] = [];
  if (san) {
    for (const value of [san.uri, san.rfc822Name, san.otherName(OTHERNAME_USERNAME_OID)]) {
      if (value !== undefined) identities.push(value);
    }
  }
  return {
    identities,
    issuer: extensions.issuer ?? extensions.issuerV1,
    extensions,
    serialNumber: certificate.serialNumber.toString('hex'),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}
