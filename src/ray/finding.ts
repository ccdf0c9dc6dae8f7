import type { Severity } from '../shared/severity.ts';
import type { InputKind, RayProblem, SourceRef } from './model.ts';

/** What every rule declares about itself; policies select rules by `id`. */
export interface RayRuleMeta {
  /** Stable id, e.g. `RAY-AUTH-002`. */
  id: string;
  /** Short kebab-case name, e.g. `token-auth-disabled`. */
  name: string;
  /** One line: what the rule finds. */
  title: string;
  /** The severities it can report, most severe first. */
  severities: readonly Severity[];
  /** Which inputs feed it. */
  inputs: readonly InputKind[];
  /** Why it matters, how severity is chosen, and what is uncertain. */
  help: string;
  /** The fix, in general terms (findings may give a more specific one). */
  fix: string;
  helpUri: string;
}

export interface RayFinding {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  /** What is wrong, naming the field or instruction. */
  message: string;
  file?: string;
  line?: number;
  field?: string;
  fix: string;
  helpUri: string;
  /** The cluster the finding is about (`RayCluster raycluster-kuberay`). */
  cluster?: string;
  /** Advisory ids, for version findings. */
  advisories?: string[];
  /** Stable across runs and line moves: rule, file, field and cluster. */
  fingerprint: string;
}

/** What a rule reports before the lint run fills in rule metadata and the fingerprint. */
export interface FindingDraft {
  severity: Severity;
  message: string;
  at?: SourceRef;
  fix?: string;
  clusterId?: string;
  advisories?: string[];
  /** Distinguishes findings of one rule at one field (e.g. the variable name). */
  key?: string;
}

export type { RayProblem };
