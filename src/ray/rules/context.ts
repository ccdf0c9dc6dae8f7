import type { RayAdvisory } from '../advisories/port.ts';
import type { RayClusterFacts, RayFacts } from '../model.ts';
import type { ClusterPosture } from '../posture.ts';

export interface RayLintOptions {
  /** Package indexes (URL prefixes or host names) runtime_env `pip`/`uv` options may name. */
  allowedIndexes?: readonly string[];
  /** Only these rule ids run; all when unset. */
  rules?: readonly string[];
}

/** What a rule sees: the facts, each cluster's posture, advisories by Ray version, options. */
export interface RuleContext {
  facts: RayFacts;
  posture(cluster: RayClusterFacts): ClusterPosture;
  cluster(id: string | undefined): RayClusterFacts | undefined;
  advisories: ReadonlyMap<string, readonly RayAdvisory[]>;
  options: RayLintOptions;
}
