import assert from 'node:assert/strict';
import { lintFixtures, ruleFindings } from '../support.ts';

describe('RAY-IMG-015', () => {
  describe('when Ray images are not pinned or not the declared version', () => {
    it('reports a nightly autoscaler image as high, tags and a version mismatch as medium', async () => {
      const result = await lintFixtures(['cases/pod.trigger.yaml'], { rules: ['RAY-IMG-015'] });
      assert.deepEqual(
        result.findings.map((f) => `${f.severity} ${f.line}`),
        ['high 13', 'medium 29', 'medium 29', 'medium 51'],
      );
      assert.match(result.findings[1]!.message, /runs Ray 2\.55\.0 .* spec\.rayVersion says 2\.56\.0/);
      assert.match(result.findings[3]!.message, /no tag \(latest\)/);
    });

    it("reports Ray's own Dockerfiles: FROM ray-deps:nightly (with ARG defaults substituted) and FROM ray:latest", async () => {
      assert.deepEqual(
        await ruleFindings(
          'RAY-IMG-015',
          'ray-docker/ray.Dockerfile',
          'ray-docker/base-extra.Dockerfile',
          'ray-docker/base-deps.Dockerfile',
        ),
        [
          'high ray-docker/ray.Dockerfile:2',
          'medium ray-docker/base-extra.Dockerfile:5',
          'medium ray-docker/base-extra.Dockerfile:206',
        ],
      );
    });

    it('reports an image tag that disagrees with the SBOM', async () => {
      const result = await lintFixtures(['cases/helm-rendered.yaml'], {
        rules: ['RAY-IMG-015'],
        installed: [{ version: '2.57.0', source: 'image.cdx.json' }],
      });
      assert.ok(result.findings.some((f) => f.line === 28 && /SBOM shows ray 2\.57\.0/.test(f.message)));
    });
  });

  describe('when images are pinned by digest', () => {
    it('reports nothing', async () => {
      assert.deepEqual(
        await ruleFindings('RAY-IMG-015', 'cases/pod.fixed.yaml', 'cases/compose.fixed.yaml'),
        [],
      );
    });
  });
});
