import { RaygateError } from '../shared/errors.ts';
import type { Platform } from './descriptor.ts';

/** The parts of an image configuration (OCI config / Docker container image v1) raygate reports. */
export interface ImageConfig {
  platform: Platform;
  created?: string;
  /** Digests of the uncompressed layers, base first. */
  diffIds: string[];
  labels: Record<string, string>;
}

export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new RaygateError('OCI_CONFIG_INVALID', 'input', 'The image configuration is not valid JSON.', {
      cause: error,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RaygateError('OCI_CONFIG_INVALID', 'input', 'The image configuration is not a JSON object.');
  }
  const c = json as Record<string, unknown>;
  const platform: Platform = {
    os: typeof c.os === 'string' ? c.os : 'unknown',
    architecture: typeof c.architecture === 'string' ? c.architecture : 'unknown',
  };
  if (typeof c.variant === 'string') platform.variant = c.variant;
  const rootfs = c.rootfs as { diff_ids?: unknown } | undefined;
  const diffIds = Array.isArray(rootfs?.diff_ids)
    ? rootfs.diff_ids.filter((d): d is string => typeof d === 'string')
    : [];
  const labels: Record<string, string> = {};
  const inner = (c.config ?? c.container_config) as { Labels?: unknown } | undefined;
  if (inner && typeof inner.Labels === 'object' && inner.Labels !== null) {
    for (const [k, v] of Object.entries(inner.Labels)) if (typeof v === 'string') labels[k] = v;
  }
  return { platform, diffIds, labels, ...(typeof c.created === 'string' ? { created: c.created } : {}) };
}
