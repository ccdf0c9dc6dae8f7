/**
 * Bounds for lock and environment files, on top of the reader's byte limit (LIMITS.maxMetadataBytes).
 * Real locks are far below them: Ray's largest lock has ~600 packages; uv's own workspace lock ~400.
 */
export const LOCK_LIMITS = {
  /** Most package entries read from one file; the rest are dropped with a problem. */
  maxEntries: 100_000,
  /** Deepest nesting of inline TOML arrays/tables (lock files nest 3–4 levels). */
  maxTomlDepth: 64,
  /** Most YAML aliases expanded in one document: a handful is normal, an alias bomb needs thousands. */
  maxYamlAliases: 100,
  /** Most locked versions of one name a dependency entry is matched against (forks have 2–5). */
  maxCandidates: 64,
  /** Most dependency edges read from one file. */
  maxEdges: 1_000_000,
  /** Most steps of the group-reachability walk over a lock graph. */
  maxGraphSteps: 5_000_000,
  /** Most artifacts (wheels, sdists) kept per package: torch has ~40 wheels per release. */
  maxArtifactsPerPackage: 2_000,
} as const;
