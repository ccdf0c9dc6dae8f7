import { RaygateError } from '../shared/errors.ts';
import type { Descriptor, Platform } from './descriptor.ts';

export const DEFAULT_PLATFORM = 'linux/amd64';

/** Parses `os/arch[/variant]` (as `docker --platform` takes it). */
export function parsePlatform(value: string): Platform {
  const parts = value.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new RaygateError(
      'OCI_PLATFORM_INVALID',
      'usage',
      `'${value}' is not a platform: use os/arch[/variant], e.g. linux/amd64.`,
    );
  }
  const platform: Platform = { os: parts[0]!, architecture: parts[1]! };
  if (parts[2]) platform.variant = parts[2];
  return normalisePlatform(platform);
}

/** Applies containerd's defaults so `linux/arm64` matches `linux/arm64/v8`, and `x86_64` means amd64. */
export function normalisePlatform(p: Platform): Platform {
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && !variant) variant = 'v7';
  const out: Platform = { os: p.os.toLowerCase(), architecture };
  if (variant) out.variant = variant;
  return out;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function samePlatform(a: Platform, b: Platform): boolean {
  const x = normalisePlatform(a);
  const y = normalisePlatform(b);
  return x.os === y.os && x.architecture === y.architecture && (x.variant ?? '') === (y.variant ?? '');
}

/** BuildKit stores provenance and SBOM attestations in the index as `unknown/unknown` manifests. */
function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown'
  );
}

/**
 * Picks the manifest for `wanted` from an index. An index entry without a platform is taken only when it
 * is the only image in the index (OCI layouts written by umoci or skopeo have one such entry).
 */
export function selectPlatform(
  manifests: readonly Descriptor[],
  wanted: Platform,
  where: string,
): Descriptor {
  const images = manifests.filter((d) => !isAttestation(d));
  const match = images.find((d) => d.platform && samePlatform(d.platform, wanted));
  if (match) return match;
  if (images.length === 1 && !images[0]!.platform) return images[0]!;
  const available = images.map((d) => (d.platform ? formatPlatform(d.platform) : 'unspecified'));
  throw new RaygateError(
    'OCI_PLATFORM_NOT_FOUND',
    'not-found',
    `${where} has no image for ${formatPlatform(wanted)}; it has: ${available.length > 0 ? [...new Set(available)].join(', ') : 'no images'}. Choose one with --platform.`,
    { details: { available } },
  );
}
