/** The public surface of `raygate ray`: deployment hardening rules for Ray and KubeRay, and Ray-aware verdicts. */
export { analyzeRay, evaluateRay, lintRay } from './lint.ts';
export type {
  ClusterSummary,
  InstalledRay,
  RayAnalysis,
  RayLintInputs,
  RayLintOptions,
  RayLintResult,
} from './lint.ts';
export type { RayFinding, RayRuleMeta } from './finding.ts';
export type { RayInputFile, RayProblem, InputKind } from './model.ts';
export { RAY_RULES, RAY_RULE_METADATA } from './rules/index.ts';
export type { RayAdvisory, RayAdvisoryLookup } from './advisories/port.ts';
export { osvRayLookup } from './advisories/osv-ray.ts';
export { CONFIG_DEPENDENT_ADVISORIES } from './advisories/config-dependent.ts';
export type { AdvisoryVerdict } from './vex/verdicts.ts';
export { OPENVEX_CONTEXT, OPENVEX_PREDICATE_TYPE, toOpenVex } from './vex/openvex.ts';
export { rayLintSarif } from './sarif.ts';
export { parseYaml } from './yaml/safe-yaml.ts';
export { readRayInputs } from './ray-input-reader.ts';
export { readInstalledRay } from './installed-ray-reader.ts';
export { readOsvRayAdvisories } from './advisories/osv-records-reader.ts';
