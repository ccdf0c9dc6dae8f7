import assert from 'node:assert/strict';
import { collectRayFacts } from '../../src/ray/facts.ts';
import { lintFixtures } from './support.ts';

describe('collectRayFacts', () => {
  describe('when env files sit beside scripts and compose files', () => {
    it('applies the folder env file to its scripts and a compose env_file to its service', async () => {
      const result = await lintFixtures(
        ['cases/envdir/ray.env', 'cases/envdir/start-head.sh', 'cases/envdir/docker-compose.yaml'],
        { rules: ['RAY-AUTH-002', 'RAY-TEL-020', 'RAY-IMG-015'] },
      );
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.clusters.map((c) => [c.label, c.tokenAuth]),
        [
          ['compose project cases/envdir/docker-compose.yaml', 'on'],
          ['host deployment in cases/envdir/', 'on'],
        ],
      );
      // ${RAY_IMAGE:-…} falls back to its default when .env does not set it
      assert.deepEqual(
        result.findings.map((f) => `${f.ruleId} ${f.line} ${f.message.includes('rayproject/ray:2.56.0')}`),
        ['RAY-IMG-015 4 true'],
      );
    });

    it('reports an env_file that is not among the inputs, and then sees no authentication', async () => {
      const result = await lintFixtures(['cases/envdir/docker-compose.yaml'], { rules: ['RAY-AUTH-002'] });
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.line]),
        [['RAY_COMPOSE_ENV_FILE_MISSING', 6]],
      );
      assert.deepEqual(
        result.findings.map((f) => `${f.ruleId} ${f.severity}`),
        ['RAY-AUTH-002 high'],
      );
    });
  });

  describe('when a named file is nothing raygate reads', () => {
    it('reports it instead of silently passing it, but ignores such files found by walking a folder', () => {
      const facts = collectRayFacts([
        { path: 'notes.txt', content: 'hello', explicit: true },
        { path: 'values.yaml', content: 'replicaCount: 2\n', explicit: true },
        { path: 'chart/values.yaml', content: 'replicaCount: 2\n' },
      ]);
      assert.deepEqual(
        facts.problems.map((p) => [p.code, p.file]),
        [
          ['RAY_INPUT_UNRECOGNIZED', 'notes.txt'],
          ['RAY_INPUT_UNRECOGNIZED', 'values.yaml'],
        ],
      );
    });
  });
});
