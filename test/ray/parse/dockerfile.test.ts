import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile } from '../../../src/ray/parse/dockerfile.ts';
import { RAY_FIXTURES, lintFixtures } from '../support.ts';

const read = (name: string) => readFileSync(path.join(RAY_FIXTURES, 'ray-docker', name), 'utf8');

describe('parseDockerfile', () => {
  describe("when reading Ray's own Dockerfiles", () => {
    it('reads stages, ARG-substituted base images, ENV (both forms) and here-document RUN scripts of base-deps', () => {
      const { stages } = parseDockerfile(read('base-deps.Dockerfile'), 'base-deps.Dockerfile');
      assert.deepEqual(
        stages.map((s) => [s.from.image, s.from.at.line, s.name]),
        [
          ['ubuntu:24.04', 9, 'haproxy-builder'],
          ['ubuntu:24.04', 38, undefined],
        ],
      );
      assert.deepEqual(
        stages[1]!.env.map((e) => `${e.name}@${e.at.line}`),
        ['TZ@40', 'LC_ALL@41', 'LANG@42', 'PATH@54', 'LD_LIBRARY_PATH@55', 'HOME@109'],
      );
      assert.equal(
        stages[1]!.env.find((e) => e.name === 'PATH')!.value,
        '/home/ray/anaconda3/bin:$PATH:/usr/local/nvidia/bin',
      );
      assert.deepEqual(
        stages[1]!.runs.map((r) => [r.form, r.line]),
        [
          ['heredoc', 65],
          ['heredoc', 118],
        ],
      );
      assert.match(stages[1]!.runs[0]!.script, /echo 'ray ALL=NOPASSWD: ALL' >> \/etc\/sudoers/);
    });

    it('substitutes an ARG without default as empty (FROM rayproject/ray-deps:nightly"$BASE_IMAGE")', () => {
      const { stages } = parseDockerfile(read('ray.Dockerfile'), 'ray.Dockerfile');
      assert.equal(stages[0]!.from.image, 'rayproject/ray-deps:nightly');
      assert.deepEqual(
        stages[0]!.runs.map((r) => r.line),
        [10, 13],
      );
    });
  });

  describe('when a Dockerfile starts Ray', () => {
    it('combines exec-form ENTRYPOINT and CMD, and gives them the final stage environment', async () => {
      const dockerfile = [
        'FROM rayproject/ray:2.56.0 AS base',
        'ENV RAY_AUTH_MODE=token',
        'FROM base',
        'ENV RAY_USAGE_STATS_ENABLED=0',
        'ENTRYPOINT ["ray", "start"]',
        'CMD ["--head", "--block", "--dashboard-host=0.0.0.0"]',
      ].join('\n');
      const { lintRay } = await import('../../../src/ray/index.ts');
      const result = await lintRay(
        { files: [{ path: 'Dockerfile', content: dockerfile }] },
        { rules: ['RAY-AUTH-002', 'RAY-NET-005', 'RAY-TEL-020'] },
      );
      assert.deepEqual(
        result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}`),
        ['RAY-NET-005 medium 5'],
      );
      assert.equal(result.clusters[0]!.tokenAuth, 'on');
    });

    it("applies a Dockerfile's ENV to the script it copies in and runs", async () => {
      const result = await lintFixtures(['cases/image/Dockerfile', 'cases/image/start-ray.sh'], {
        rules: ['RAY-AUTH-002'],
      });
      assert.deepEqual(result.findings, []);
      assert.equal(result.clusters[0]!.tokenAuth, 'on');
    });
  });
});
