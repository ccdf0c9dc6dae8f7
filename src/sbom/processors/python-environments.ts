import type { Problem, PythonEnvironment } from '../model.ts';
import { enclosingSitePackages, mergeEnvironment } from '../python/environment.ts';
import type { InventoryProcessor } from '../scan.ts';
import { groupBy, isInstalledPython } from './installed-python.ts';

/**
 * One environment per site-packages folder that holds installed distributions, merged from what the
 * catalogers reported (pyvenv.cfg, conda's python record) and the tags of the wheels installed there.
 */
export const pythonEnvironmentsProcessor: InventoryProcessor = {
  name: 'python-environments',
  process(result) {
    const installed = result.packages.filter(isInstalledPython);
    if (installed.length === 0 && result.environments.length === 0) return result;
    const sites = groupBy(installed, (p) => enclosingSitePackages(p.metadata.installDir));
    const reports = groupBy(result.environments, (e) => e.sitePackages);
    const environments: PythonEnvironment[] = [];
    const problems: Problem[] = [];
    for (const [sitePackages, packages] of sites) {
      // Vendored copies were built for the same interpreter, but their owner's tags already say so.
      const tags = packages
        .filter((p) => p.metadata.installDir === sitePackages)
        .flatMap((p) => p.metadata.wheelTags);
      const { environment, conflicts } = mergeEnvironment(
        sitePackages,
        reports.get(sitePackages) ?? [],
        tags,
      );
      environments.push(environment);
      for (const conflict of conflicts) {
        problems.push({
          code: 'SBOM_PYTHON_ENVIRONMENT_CONFLICT',
          severity: 'warning',
          message: `${sitePackages}: the environment gives conflicting values for ${conflict.marker} (${conflict.values.join(', ')}); treated as unknown.`,
          path: sitePackages,
        });
      }
    }
    return { ...result, environments, problems: [...result.problems, ...problems] };
  },
};
