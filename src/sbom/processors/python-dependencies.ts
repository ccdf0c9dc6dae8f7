import type { DeclaredDependency, PythonEnvironment, Relationship } from '../model.ts';
import { enclosingSitePackages } from '../python/environment.ts';
import {
  evaluateMarker,
  type Marker,
  type MarkerEnvironment,
  markerExtras,
  parseMarker,
} from '../python/markers.ts';
import type { InventoryProcessor } from '../scan.ts';
import { groupBy, type InstalledPythonPackage, isInstalledPython } from './installed-python.ts';

/**
 * `depends-on` edges between installed distributions, from each one's Requires-Dist evaluated with the
 * markers of the environment it is installed in. A requirement resolves to the distribution of that
 * (normalised) name in the same folder — the site-packages, or for a vendored copy the folder its owner
 * vendors into. Extras count when installed: an extra is installed when every requirement it adds whose
 * marker holds is installed. A marker that cannot be decided draws an edge only to a target that is there.
 */
export const pythonDependenciesProcessor: InventoryProcessor = {
  name: 'python-dependencies',
  process(result) {
    const installed = result.packages.filter(isInstalledPython);
    if (installed.length === 0) return result;
    const environments = new Map(result.environments.map((e) => [e.sitePackages, e]));
    const parsed = new MarkerCache();
    const evaluators = new Map<PythonEnvironment | undefined, MarkerEvaluator>();
    const relationships: Relationship[] = [];
    for (const [installDir, packages] of groupBy(installed, (p) => p.metadata.installDir)) {
      const site = enclosingSitePackages(installDir);
      const environment = site === undefined ? undefined : environments.get(site);
      let evaluator = evaluators.get(environment);
      if (!evaluator) evaluators.set(environment, (evaluator = new MarkerEvaluator(environment, parsed)));
      const byName = groupBy(packages, (p) => p.name);
      for (const pkg of packages) {
        for (const target of dependencyTargets(pkg, byName, evaluator)) {
          relationships.push({ from: pkg.id, to: target.id, type: 'depends-on' });
        }
      }
    }
    if (relationships.length === 0) return result;
    return { ...result, relationships: [...result.relationships, ...relationships] };
  },
};

type Verdict = boolean | undefined;

interface Requirement {
  dependency: DeclaredDependency;
  /** Extras whose `extra == "..."` clauses the marker has; empty for a base requirement. */
  extras: ReadonlySet<string>;
}

function dependencyTargets(
  pkg: InstalledPythonPackage,
  byName: Map<string, InstalledPythonPackage[]>,
  markers: MarkerEvaluator,
): InstalledPythonPackage[] {
  const requirements: Requirement[] = [];
  for (const dependency of pkg.metadata.requiresDist) {
    const extras = markers.extrasOf(dependency.marker);
    if (extras) requirements.push({ dependency, extras });
  }
  const holds = (req: Requirement, extra?: string): Verdict => markers.holds(req.dependency.marker, extra);

  const installedExtras = installedExtrasOf(pkg, requirements, holds, (name) => byName.has(name));
  const targets = new Set<InstalledPythonPackage>();
  const consider = (req: Requirement, verdict: Verdict) => {
    if (verdict === false || req.dependency.name === pkg.name) return;
    for (const target of byName.get(req.dependency.name) ?? []) targets.add(target);
  };
  for (const req of requirements) {
    if (req.extras.size === 0) consider(req, holds(req));
    else for (const extra of req.extras) if (installedExtras.has(extra)) consider(req, holds(req, extra));
  }
  return [...targets];
}

/**
 * The extras of `pkg` that are installed: every requirement an extra adds, whose marker holds, is
 * present. An extra that asks for other extras of the same package (`ray[all]` → `ray[data]`) needs those
 * too, so the set shrinks from "all" until it is stable.
 */
function installedExtrasOf(
  pkg: InstalledPythonPackage,
  requirements: readonly Requirement[],
  holds: (req: Requirement, extra: string) => Verdict,
  isInstalled: (name: string) => boolean,
): Set<string> {
  const installed = new Set<string>(pkg.metadata.providesExtras);
  for (const req of requirements) for (const extra of req.extras) installed.add(extra);
  let changed = true;
  while (changed) {
    changed = false;
    for (const extra of installed) {
      const satisfied = requirements.every((req) => {
        if (!req.extras.has(extra) || holds(req, extra) !== true) return true;
        if (req.dependency.name === pkg.name) return req.dependency.extras.every((e) => installed.has(e));
        return isInstalled(req.dependency.name);
      });
      if (!satisfied) {
        installed.delete(extra);
        changed = true;
      }
    }
  }
  return installed;
}

/** Parses each distinct marker text once; null for a marker that does not parse. */
class MarkerCache {
  private readonly cache = new Map<string, { marker: Marker; extras: ReadonlySet<string> } | null>();
  get(text: string): { marker: Marker; extras: ReadonlySet<string> } | null {
    let entry = this.cache.get(text);
    if (entry === undefined) {
      try {
        const marker = parseMarker(text);
        entry = { marker, extras: markerExtras(marker) };
      } catch {
        entry = null;
      }
      this.cache.set(text, entry);
    }
    return entry;
  }
}

const NO_EXTRAS: ReadonlySet<string> = new Set();
const NONE: ReadonlySet<string> = new Set();

/**
 * Evaluates markers in one environment, each distinct (marker, extra) once: the same markers recur across
 * thousands of requirements, and version comparisons are not free.
 */
class MarkerEvaluator {
  private readonly values: Partial<Record<string, string>>;
  private readonly parsed: MarkerCache;
  private readonly results = new Map<string, Verdict>();

  constructor(environment: PythonEnvironment | undefined, parsed: MarkerCache) {
    this.values = environment?.markers ?? {};
    this.parsed = parsed;
  }

  /** The extras a requirement's marker names (none without a marker); undefined if it does not parse. */
  extrasOf(text: string | undefined): ReadonlySet<string> | undefined {
    if (text === undefined) return NONE;
    return this.parsed.get(text)?.extras;
  }

  /** Whether the marker holds when `extra` (or no extra) is being installed. */
  holds(text: string | undefined, extra?: string): Verdict {
    if (text === undefined) return true;
    const key = `${extra ?? ''}\u0000${text}`;
    if (this.results.has(key)) return this.results.get(key);
    const entry = this.parsed.get(text);
    const extras = extra === undefined ? NO_EXTRAS : new Set([extra]);
    const verdict = entry
      ? evaluateMarker(entry.marker, { values: this.values, extras } satisfies MarkerEnvironment)
      : false;
    this.results.set(key, verdict);
    return verdict;
  }
}
