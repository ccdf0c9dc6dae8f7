import type { Package } from '../sbom/model.ts';
import type { Finding, NotAssessed } from './finding.ts';
import { sortFindings, toFindings } from './findings.ts';
import { matchQuery, type MatchProblem } from './match.ts';
import { isAssessable, planQuery, queryId, type AdvisoryQuery } from './package-query.ts';
import {
  firstSeenKey,
  type AdvisorySource,
  type AdvisorySourceInfo,
  type FirstSeenLedger,
} from './source.ts';

export interface AssessmentProblem {
  code: string;
  message: string;
  advisory?: string;
  package?: string;
}

export interface Assessment {
  source: AdvisorySourceInfo;
  findings: Finding[];
  notAssessed: NotAssessed[];
  problems: AssessmentProblem[];
  stats: {
    /** Packages in the inventory that can carry advisories (the OS description itself is not one). */
    packages: number;
    assessed: number;
    notAssessed: number;
    /** Distinct (ecosystem, name, version) questions asked. */
    queries: number;
    /** Withdrawn records that named an inventory package and were left out. */
    withdrawnSkipped: number;
  };
}

export interface AssessOptions {
  now: Date;
  ledger?: FirstSeenLedger;
}

/**
 * Asks `source` about every package that has an advisory identity and matches the answers. Packages with
 * no advisory source (conda-native libraries, bare binaries, unpinned requirements) are listed as not
 * assessed with the reason: an empty finding list only ever means "assessed and clean".
 */
export async function assessPackages(
  packages: readonly Package[],
  source: AdvisorySource,
  options: AssessOptions,
): Promise<Assessment> {
  const notAssessed: NotAssessed[] = [];
  const planned: { pkg: Package; query: AdvisoryQuery }[] = [];
  for (const pkg of packages) {
    if (!isAssessable(pkg)) continue;
    const plan = planQuery(pkg);
    if ('query' in plan) planned.push({ pkg, query: plan.query });
    else notAssessed.push({ package: describe(pkg), reason: plan.notAssessed, detail: plan.detail });
  }

  const distinct = new Map<string, AdvisoryQuery>();
  for (const { query } of planned) distinct.set(queryId(query), query);
  const answer = await source.query([...distinct.values()]);

  const problems: AssessmentProblem[] = answer.problems.map((p) => ({ ...p }));
  const problemKeys = new Set<string>();
  const addProblem = (p: MatchProblem, pkg: Package) => {
    const key = `${p.code}\u0000${p.message}`;
    if (problemKeys.has(key)) return;
    problemKeys.add(key);
    problems.push({ code: p.code, message: p.message, advisory: p.advisory, package: pkg.purl ?? pkg.id });
  };

  const findings: Finding[] = [];
  let withdrawn = 0;
  const cache = new Map<string, ReturnType<typeof matchQuery>>();
  for (const { pkg, query } of planned) {
    const id = queryId(query);
    let result = cache.get(id);
    if (!result) {
      result = matchQuery(query, answer.records.get(id) ?? []);
      cache.set(id, result);
      withdrawn += result.withdrawn.length;
    }
    for (const p of result.problems) addProblem(p, pkg);
    if (answer.asserted) {
      const matched = new Set(result.matches.map((m) => m.record.id));
      for (const record of answer.records.get(id) ?? []) {
        if (matched.has(record.id) || result.withdrawn.includes(record.id)) continue;
        addProblem(
          {
            code: 'OSV_MATCH_UNCONFIRMED',
            advisory: record.id,
            message: `${source.info().location} reports ${record.id} for ${query.name} ${query.version}, but its ranges do not include that version as raygate reads them; not reported as a finding`,
          },
          pkg,
        );
      }
    }
    if (!result.comparable && result.matches.length === 0) {
      notAssessed.push({
        package: describe(pkg),
        reason: 'version-not-comparable',
        detail: `'${query.version}' is not a version raygate can order in ${query.ecosystems[0]}`,
      });
      continue;
    }
    findings.push(...toFindings(pkg, query, result.matches));
  }

  if (options.ledger && findings.length > 0) {
    const keys = findings.flatMap((f) => f.advisories.map((a) => firstSeenKey(a, f.package.query)));
    const seen = await options.ledger.firstSeen([...new Set(keys)], options.now);
    for (const f of findings) {
      const times = f.advisories
        .map((a) => seen.get(firstSeenKey(a, f.package.query)))
        .filter((t): t is string => !!t);
      if (times.length > 0) f.firstSeen = times.sort()[0];
    }
  }

  const assessable = packages.filter(isAssessable).length;
  return {
    source: source.info(),
    findings: sortFindings(findings),
    notAssessed: notAssessed.sort((a, b) =>
      a.package.id < b.package.id ? -1 : a.package.id > b.package.id ? 1 : 0,
    ),
    problems,
    stats: {
      packages: assessable,
      assessed: assessable - notAssessed.length,
      notAssessed: notAssessed.length,
      queries: distinct.size,
      withdrawnSkipped: withdrawn,
    },
  };
}

function describe(pkg: Package): NotAssessed['package'] {
  return {
    id: pkg.id,
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    locations: pkg.locations,
  };
}
