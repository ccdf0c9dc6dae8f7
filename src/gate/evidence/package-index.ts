import { PypiClient } from '../../attest/pep740/pypi-client.ts';
import type { GatePackageIndexConfig } from '../../config.ts';
import type { HttpOptions } from '../../shared/http-client.ts';
import type { PackageIndex } from './upload-times.ts';

/**
 * `EvidenceEnvironment.packageIndex` from `gate.packageIndex`: a PyPI JSON API client per collection (so
 * the request budget is per collection), or undefined when lookups are off. The client checks every
 * request's host against the configured URL's host and refuses redirects. `http` overrides request
 * settings (tests shorten the backoff).
 */
export function packageIndexProvider(
  config: GatePackageIndexConfig,
  http: Partial<Pick<HttpOptions, 'maxRetries' | 'backoffMs' | 'maxBackoffMs' | 'fetch'>> = {},
): () => PackageIndex | undefined {
  return () => {
    if (!config.lookups) return undefined;
    const client = new PypiClient({
      baseUrl: config.url,
      http: {
        maxRetries: 2,
        backoffMs: 500,
        ...http,
        timeoutMs: config.timeoutMs,
        maxRequests: config.maxRequests,
      },
    });
    return {
      url: client.baseUrl,
      concurrency: config.concurrency,
      releaseFiles: (project, version) => client.releaseFiles(project, version),
    };
  };
}
