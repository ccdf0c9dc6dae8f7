import assert from 'node:assert/strict';
import path from 'node:path';
import { CATALOGERS, PROCESSORS } from '../../../src/sbom/catalogers/index.ts';
import { serializeBom } from '../../../src/sbom/cyclonedx/serialize.ts';
import { toBom } from '../../../src/sbom/cyclonedx/to-bom.ts';
import { scanSource } from '../../../src/sbom/scan.ts';
import { openTarget } from '../../../src/sbom/sources/open-target.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

interface CdxComponent {
  name: string;
  externalReferences?: { type: string; url: string; hashes?: { alg: string; content: string }[] }[];
  properties?: { name: string; value: string }[];
}

async function bomOf(fixture: string): Promise<CdxComponent[]> {
  const { source, singleFile } = await openTarget(path.join(REPO_ROOT, 'test/fixtures/sbom', fixture));
  const result = await scanSource(source, { catalogers: CATALOGERS, processors: PROCESSORS, singleFile });
  const { bom } = toBom(result, { tool: { name: 'raygate', version: 'test' } });
  return (JSON.parse(serializeBom(bom, 'json')) as { components: CdxComponent[] }).components;
}

describe('CycloneDX of lock-file artifacts', () => {
  it('turns each uv.lock artifact with a URL into a distribution reference carrying its hash', async () => {
    const components = await bomOf('uv-lock/syft/simple-deps/uv.lock');
    const withDistributions = components.filter((c) =>
      (c.externalReferences ?? []).some((r) => r.type === 'distribution' && (r.hashes ?? []).length > 0),
    );
    assert.ok(withDistributions.length > 0, 'no distribution references with hashes');
    for (const component of withDistributions) {
      for (const ref of component.externalReferences!.filter((r) => r.type === 'distribution')) {
        assert.match(ref.url, /^https:\/\//);
        assert.match(ref.hashes![0]!.content, /^[0-9a-f]{64}$/);
      }
    }
  });

  it('keeps poetry artifact hashes (file names only, no URL) as raygate:declared:artifact properties', async () => {
    const components = await bomOf('poetry-lock/syft/simple-deps/poetry.lock');
    const artifacts = components.flatMap((c) =>
      (c.properties ?? []).filter((p) => p.name === 'raygate:declared:artifact'),
    );
    assert.ok(artifacts.length > 0, 'no artifact properties');
    for (const p of artifacts) assert.match(p.value, /^\S+\.(whl|tar\.gz|zip) sha256:[0-9a-f]{64}$/);
  });
});
