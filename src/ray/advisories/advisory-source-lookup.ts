import { assessPackages } from '../../advisories/assess.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import { packageId } from '../../sbom/package-id.ts';
import { toPurl } from '../../shared/purl.ts';
import type { RayAdvisory, RayAdvisoryLookup } from './port.ts';

/**
 * `RayAdvisoryLookup` over any advisory source (the local OSV mirror, the OSV API, later the service's
 * store): the version is asked about as the PyPI package `ray`, through the same matcher `raygate scan`
 * uses, so both commands always agree on which advisories affect a Ray version.
 */
export function advisorySourceLookup(
  source: AdvisorySource,
  now: () => Date = () => new Date(),
): RayAdvisoryLookup {
  return async (version) => {
    const path = `ray@${version}`;
    const assessment = await assessPackages(
      [
        {
          id: packageId('pypi', 'ray', version, path),
          ecosystem: 'pypi',
          name: 'ray',
          version,
          purl: toPurl({ type: 'pypi', name: 'ray', version }),
          foundBy: 'raygate-ray-lint',
          locations: [{ path }],
          hashes: [],
          licenses: [],
          metadata: { kind: 'generic' },
        },
      ],
      source,
      { now: now() },
    );
    return assessment.findings.map((finding): RayAdvisory => ({
      id: finding.advisories[0] ?? finding.id,
      aliases: [...new Set([...finding.advisories.slice(1), ...finding.aliases])].filter(
        (a) => a !== (finding.advisories[0] ?? finding.id),
      ),
      ...(finding.summary ? { summary: finding.summary } : {}),
      ...(finding.severity.severity !== 'unknown' ? { severity: finding.severity.severity } : {}),
      ...(finding.fixedIn ? { fixed: finding.fixedIn } : {}),
      ...(finding.references[0] ? { url: finding.references[0] } : {}),
    }));
  };
}
