/** Bounds on untrusted Sigstore input. Real bundles are a few KB; trusted roots and predicates tens of KB. */
export const ATTEST_LIMITS = {
  maxBundleBytes: 8 * 1024 * 1024,
  maxTrustedRootBytes: 8 * 1024 * 1024,
  maxPredicateBytes: 32 * 1024 * 1024,
  maxKeyBytes: 64 * 1024,
  /** More subjects than this in one in-toto statement is refused rather than scanned. */
  maxStatementSubjects: 100_000,
  /** TUF metadata refresh: one attempt, this long, then fall back to the cache. */
  tufTimeoutMs: 5000,
} as const;
