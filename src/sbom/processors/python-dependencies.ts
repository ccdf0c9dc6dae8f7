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
    const markers = new MarkerCache();
    const relationships: Relationship[] = [];
    for (const [installDir, packages] of groupBy(installed, (p) => p.metadata.installDir)) {
      const site = enclosingSitePackages(installDir);
      const environment = site === undefined ? undefined : environments.get(site);
      const byName = groupBy(packages, (p) => p.name);
      for (const pkg of packages) {
        for (const target of dependencyTargets(pkg, byName, environment, markers)) {
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
  marker?: Marker;
  /** Extras whose `extra == "..."` clauses the marker has; empty for a base requirement. */
  extras: Set<string>;
}

function dependencyTargets(
  pkg: InstalledPythonPackage,
  byName: Map<string, InstalledPythonPackage[]>,
  environment: PythonEnvironment | undefined,
  markers: MarkerCache,
): InstalledPythonPackage[] {
  const values = environment?.markers ?? {};
  const requirements: Requirement[] = [];
  for (const dependency of pkg.metadata.requiresDist) {
    const marker = dependency.marker === undefined ? undefined : markers.get(dependency.marker);
    if (marker === null) continue;
    requirements.push({ dependency, marker, extras: marker ? markerExtras(marker) : new Set() });
  }
  const holds = (req: Requirement, extras: ReadonlySet<string>): Verdict =>
    req.marker === undefined
      ? true
      : evaluateMarker(req.marker, { values, extras } satisfies MarkerEnvironment);
  const isInstalled = (name: string) => byName.has(name);

  const installedExtras = installedExtrasOf(pkg, requirements, holds, isInstalled);
  const targets = new Set<InstalledPythonPackage>();
  const consider = (req: Requirement, verdict: Verdict) => {
    if (verdict === false || req.dependency.name === pkg.name) return;
    for (const target of byName.get(req.dependency.name) ?? []) targets.add(target);
  };
  for (const req of requirements) {
    if (req.extras.size === 0) consider(req, holds(req, NO_EXTRAS));
    else
      for (const extra of req.extras)
        if (installedExtras.has(extra)) consider(req, holds(req, new Set([extra])));
  }
  return [...targets];
}

const NO_EXTRAS: ReadonlySet<string> = new Set();

/**
 * The extras of `pkg` that are installed: every requirement an extra adds, whose marker holds, is
 * present. An extra that asks for other extras of the same package (`ray[all]` → `ray[data]`) needs those
 * too, so the set shrinks from "all" until it is stable.
 */
function installedExtrasOf(
  pkg: InstalledPythonPackage,
  requirements: readonly Requirement[],
  holds: (req: Requirement, extras: ReadonlySet<string>) => Verdict,
  isInstalled: (name: string) => boolean,
): Set<string> {
  const candidates = new Set<string>(pkg.metadata.providesExtras);
  for (const req of requirements) for (const extra of req.extras) candidates.add(extra);
  const installed = new Set(candidates);
  let changed = true;
  while (changed) {
    changed = false;
    for (const extra of installed) {
      const only = new Set([extra]);
      const satisfied = requirements.every((req) => {
        if (!req.extras.has(extra) || holds(req, only) !== true) return true;
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
  private readonly cache = new Map<string, Marker | null>();
  get(text: string): Marker | null {
    let marker = this.cache.get(text);
    if (marker === undefined) {
      try {
        marker = parseMarker(text);
      } catch {
        marker = null;
      }
      this.cache.set(text, marker);
    }
    return marker;
  }
}
