/**
 * Bounds applied to untrusted input. They are generous for real data (the largest METADATA seen in a Ray
 * environment is ~100 KB; Ray's biggest lock file ~270 KB) and small enough that hostile input cannot
 * exhaust memory or time.
 */
export const LIMITS = {
  /** Largest metadata or lock file read into memory. */
  maxMetadataBytes: 16 * 1024 * 1024,
  /** Largest number of files visited in one directory walk. */
  maxWalkEntries: 5_000_000,
  /** Deepest directory nesting visited in one walk. */
  maxWalkDepth: 64,
  /** Deepest chain of requirement-file includes (-r / -c). */
  maxIncludeDepth: 32,
  /** Longest single logical line of a requirements file (after joining continuations). */
  maxLineLength: 1024 * 1024,
} as const;
