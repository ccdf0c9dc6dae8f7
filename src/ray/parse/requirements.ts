import { normalizePythonName } from '../../sbom/python/names.ts';
import { parseRequirement, pinnedVersion } from '../../sbom/python/pep508.ts';

/** Extras of the `ray` package that install Ray Data's dependencies. */
const DATA_EXTRAS = new Set(['data', 'air', 'all', 'train', 'tune', 'rllib', 'llm']);

/**
 * The Ray version a `pip install` argument pins: `ray==2.9.0`, `"ray[default,data]==2.52.1"`, a wheel file
 * name (`ray-2.9.0-cp310-…whl`) or a direct reference to one. Ranges (`ray>=2.9`) name no single version.
 */
export function rayRequirementVersions(text: string): { version: string; rayData: boolean }[] {
  const wheel = /(?:^|\/)ray-([0-9][^-/]*)-[^/]*\.whl$/i.exec(text.split('#')[0]!.trim());
  if (wheel && !text.includes('@')) return [{ version: wheel[1]!, rayData: false }];
  try {
    const req = parseRequirement(text);
    if (normalizePythonName(req.name) !== 'ray') return [];
    const rayData = req.extras.some((e) => DATA_EXTRAS.has(e));
    if (req.url) {
      const fromUrl = /\/ray-([0-9][^-/]*)-[^/]*\.whl(?:$|[?#])/i.exec(req.url);
      return fromUrl ? [{ version: fromUrl[1]!, rayData }] : [];
    }
    const version = pinnedVersion(req.clauses);
    return version ? [{ version, rayData }] : [];
  } catch {
    return [];
  }
}
