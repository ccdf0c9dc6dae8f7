import { LIMITS } from '../../shared/limits.ts';

/**
 * Bounds for reading container images. Real Ray images have a few dozen layers, layers of a few GB and
 * a few hundred thousand entries; these are far above that and far below what would exhaust a CI runner.
 */
export interface ImageLimits {
  /** Layers in one image (a hostile manifest may list thousands). */
  maxLayers: number;
  /** Largest manifest, index or config document read into memory. */
  maxManifestBytes: number;
  /** Entries (files, links, folders) in one layer. */
  maxLayerEntries: number;
  /** Uncompressed bytes of one layer. */
  maxLayerBytes: number;
  /** Past `bombFloorBytes` uncompressed, a layer may not expand more than this many times. */
  maxCompressionRatio: number;
  bombFloorBytes: number;
  /** Largest single metadata file kept from a layer. */
  maxFileBytes: number;
  /** All kept file bytes across the image, held in memory (never written to disk). */
  maxKeptBytes: number;
  /** Symlinks remembered across the image to resolve paths. */
  maxSymlinks: number;
  /** Links followed while resolving one path. */
  maxLinkHops: number;
  /** Layers downloaded and decompressed at the same time. */
  concurrency: number;
}

export const IMAGE_LIMITS: ImageLimits = {
  maxLayers: 1000,
  maxManifestBytes: 4 * 1024 * 1024,
  maxLayerEntries: 5_000_000,
  maxLayerBytes: 64 * 1024 * 1024 * 1024,
  // gzip tops out near 1030:1 on zeros; real layers stay under 20:1.
  maxCompressionRatio: 200,
  bombFloorBytes: 256 * 1024 * 1024,
  maxFileBytes: LIMITS.maxMetadataBytes,
  maxKeptBytes: 512 * 1024 * 1024,
  maxSymlinks: 2_000_000,
  maxLinkHops: 40,
  concurrency: 3,
};
