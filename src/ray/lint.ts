import { hexDigest } from '../shared/digest.ts';
import { compareSeverity } from '../shared/severity.ts';
import type { RayAdvisory, RayAdvisoryLookup } from './advisories/port.ts';
import { collectRayFacts } from './facts.ts';
import type { FindingDraft, RayFinding } from './finding.ts';
import type { RayClusterFacts, RayFacts, RayInputFile, RayProblem, RayVersionClaim } from './model.ts';
import { computePosture, type ClusterPosture } from './posture.ts';
import type { RayLintOptions, RuleContext } from './rules/context.ts';
import { RAY_RULES } from './rules/index.ts';
import { computeVerdicts, type AdvisoryVerdict } from './vex/verdicts.ts';
import { isVersion } from './versions.ts';

export type { RayLintOptions };

/** A Ray installation found by an SBOM or an environment scan. */
export interface InstalledRay {
  version: string;
  /** The SBOM or target it was read from. */
  source: string;
  /** Where inside the target (the dist-info path), when known. */
  location?: string;
  /** Ray Data's dependencies are installed too. */
  rayData?: boolean;
}

export interface RayLintInputs {
  files: readonly RayInputFile[];
  installed?: readonly InstalledRay[];
}

export interface ClusterSummary {
  id: string;
  label: string;
  kind: RayClusterFacts['kind'];
  file: string;
  line?: number;
  rayVersion?: string;
  nodes: number;
  tokenAuth: 'on' | 'off' | 'unseen';
  exposed: boolean;
  isolated: boolean;
}

export interface RayLintResult {
  findings: RayFinding[];
  problems: RayProblem[];
  clusters: ClusterSummary[];
  /** Verdicts on the configuration-dependent advisories (ShadowRay class), for OpenVEX. */
  verdicts: AdvisoryVerdict[];
  files: { path: string; kind: string }[];
  /** Distinct Ray versions seen (deployment files and SBOMs). */
  rayVersions: string[];
  rules: string[];
}

/** Everything read from the inputs, before any rule runs. */
export interface RayAnalysis {
  facts: RayFacts;
  /** PEP 440 versions of Ray to look advisories up for. */
  versions: string[];
}

/** Reads deployment files and installed versions into facts. Pure. */
export function analyzeRay(inputs: RayLintInputs): RayAnalysis {
  const facts = collectRayFacts(inputs.files);
  for (const installed of inputs.installed ?? []) {
    const claim: RayVersionClaim = {
      version: installed.version,
      source: 'sbom',
      at: { file: installed.source, ...(installed.location ? { field: installed.location } : {}) },
      ...(installed.rayData !== undefined ? { rayData: installed.rayData } : {}),
    };
    facts.versions.push(claim);
  }
  const versions = [...new Set(facts.versions.map((v) => v.version).filter(isVersion))].sort();
  return { facts, versions };
}

/** Runs the rules over analysed facts. Pure: advisories come in already looked up, by version. */
export function evaluateRay(
  analysis: RayAnalysis,
  options: RayLintOptions & { advisories?: ReadonlyMap<string, readonly RayAdvisory[]> } = {},
): RayLintResult {
  const { facts } = analysis;
  const postures = new Map<RayClusterFacts, ClusterPosture>();
  const byId = new Map(facts.clusters.map((c) => [c.id, c]));
  const context: RuleContext = {
    facts,
    posture: (cluster) => {
      let p = postures.get(cluster);
      if (!p) {
        p = computePosture(cluster, facts);
        postures.set(cluster, p);
      }
      return p;
    },
    cluster: (id) => (id === undefined ? undefined : byId.get(id)),
    advisories: options.advisories ?? new Map(),
    options,
  };
  const selected = options.rules ? RAY_RULES.filter((r) => options.rules!.includes(r.id)) : RAY_RULES;
  const findings: RayFinding[] = [];
  const fingerprints = new Map<string, number>();
  for (const rule of selected) {
    for (const draft of rule.check(context)) {
      const finding = complete(rule, draft, byId);
      // Two findings with the same identity (the same field in two documents of one file) stay distinct.
      const seen = fingerprints.get(finding.fingerprint) ?? 0;
      fingerprints.set(finding.fingerprint, seen + 1);
      if (seen > 0) finding.fingerprint = hexDigest('sha256', `${finding.fingerprint}#${seen}`).slice(0, 32);
      findings.push(finding);
    }
  }
  findings.sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.message.localeCompare(b.message),
  );
  const clusters: ClusterSummary[] = facts.clusters.map((c) => {
    const p = context.posture(c);
    return {
      id: c.id,
      label: c.label,
      kind: c.kind,
      file: c.file,
      ...(c.at.line !== undefined ? { line: c.at.line } : {}),
      ...(c.rayVersion ? { rayVersion: c.rayVersion.value } : {}),
      nodes: c.nodes.length,
      tokenAuth: p.auth.enabled ? 'on' : p.auth.unseen ? 'unseen' : 'off',
      exposed: p.exposed,
      isolated: p.isolated,
    };
  });
  return {
    findings,
    problems: facts.problems.map((p) => ({ ...p, message: printable(p.message) })),
    clusters,
    verdicts: computeVerdicts(facts, context.posture, analysis.versions),
    files: facts.files,
    rayVersions: analysis.versions,
    rules: selected.map((r) => r.id),
  };
}

/**
 * `raygate ray lint` as a function: reads the inputs, asks the advisory port about each Ray version, and runs
 * the rules. Deterministic for the same inputs and advisory answers.
 */
export async function lintRay(
  inputs: RayLintInputs,
  options: RayLintOptions & { advisories?: RayAdvisoryLookup } = {},
): Promise<RayLintResult> {
  const analysis = analyzeRay(inputs);
  const advisories = new Map<string, readonly RayAdvisory[]>();
  if (options.advisories) {
    for (const version of analysis.versions) advisories.set(version, await options.advisories(version));
  }
  const { advisories: _lookup, ...rest } = options;
  return evaluateRay(analysis, { ...rest, advisories });
}

function complete(
  rule: (typeof RAY_RULES)[number],
  draft: FindingDraft,
  clusters: ReadonlyMap<string, RayClusterFacts>,
): RayFinding {
  const cluster = draft.clusterId ? clusters.get(draft.clusterId) : undefined;
  const at = draft.at;
  const identity = [rule.id, at?.file ?? '', at?.field ?? '', draft.clusterId ?? '', draft.key ?? ''].join(
    '\u0000',
  );
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    severity: draft.severity,
    message: printable(draft.message),
    ...(at?.file ? { file: at.file } : {}),
    ...(at?.line !== undefined ? { line: at.line } : {}),
    ...(at?.field ? { field: printable(at.field) } : {}),
    fix: printable(draft.fix ?? rule.fix),
    helpUri: rule.helpUri,
    ...(cluster ? { cluster: cluster.label } : {}),
    ...(draft.advisories ? { advisories: draft.advisories } : {}),
    fingerprint: hexDigest('sha256', identity).slice(0, 32),
  };
}

/**
 * Messages quote values from untrusted files (image names, flag values, keys). Control characters are written
 * as escapes so a crafted value cannot drive the terminal (ANSI sequences) or forge extra report lines.
 */
function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
