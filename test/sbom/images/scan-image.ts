import { selectCatalogers } from '../../../src/sbom/catalogers/index.ts';
import type { DpkgMetadata, ScanResult } from '../../../src/sbom/model.ts';
import { PROCESSORS } from '../../../src/sbom/catalogers/index.ts';
import { scanSource } from '../../../src/sbom/scan.ts';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import type { OpenTargetOptions } from '../../../src/sbom/sources/open-target.ts';

/** Scans an image target the way `raygate sbom` does: every cataloger tagged for images. */
export async function scanImage(target: string, options: OpenTargetOptions = {}): Promise<ScanResult> {
  const { source } = await openTarget(target, options);
  return scanSource(source, { catalogers: selectCatalogers(['image']), processors: PROCESSORS });
}

/** `name:arch` → version for the Debian packages of a scan. */
export function debsOf(result: ScanResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of result.packages) {
    if (p.ecosystem === 'deb') out.set(`${p.name}:${(p.metadata as DpkgMetadata).architecture}`, p.version!);
  }
  return out;
}
