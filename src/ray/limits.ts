/**
 * Bounds for deployment inputs. Real Ray manifests, launcher configs and scripts are a few KB; Helm-rendered
 * output for a whole platform reaches a few MB. The YAML parser costs about 0.5 s per MB on this hardware, so
 * the size bound is also the time bound.
 */
export const RAY_LIMITS = {
  /** Largest input file read and parsed. */
  maxFileBytes: 8 * 1024 * 1024,
  /** Most files one lint run reads (a directory walk stops there). */
  maxFiles: 10_000,
  /** Deepest folder nesting followed when walking a directory. */
  maxWalkDepth: 32,
  /** Most YAML documents in one file. */
  maxDocuments: 10_000,
  /** Deepest nesting of YAML collections. */
  maxYamlDepth: 128,
  /** Most YAML nodes one file may expand to, counting every alias at the size of what it points to. */
  maxYamlNodes: 2_000_000,
  /** Longest logical shell line (after joining continuations). */
  maxShellLine: 1024 * 1024,
  /** Deepest `sh -c "…"` nesting followed inside shell commands. */
  maxShellNesting: 8,
} as const;
