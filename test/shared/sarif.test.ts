import assert from 'node:assert/strict';
import { toSarif } from '../../src/shared/sarif.ts';
import { failsOn, parseFailOn } from '../../src/shared/severity.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

describe('toSarif', () => {
  it('lists only the rules results use, with indexes, levels and security-severity', () => {
    const sarif = toSarif(
      { name: 'raygate', version: '1.0.0' },
      [
        { id: 'B', name: 'b', shortDescription: 'b', severity: 'medium' },
        { id: 'A', name: 'a', shortDescription: 'a', severity: 'critical' },
        { id: 'UNUSED', name: 'u', shortDescription: 'u', severity: 'low' },
      ],
      [
        { ruleId: 'B', message: 'm1', severity: 'medium', uri: 'req.txt', startLine: 3 },
        { ruleId: 'A', message: 'm2', severity: 'critical' },
      ],
    ) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[] }[] };
    const run = sarif.runs[0]!;
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['A', 'B'],
    );
    assert.equal(run.results[0]!.ruleIndex, 1);
    assert.equal(run.results[0]!.level, 'warning');
    assert.deepEqual(run.results[0]!.locations, [
      { physicalLocation: { artifactLocation: { uri: 'req.txt' }, region: { startLine: 3 } } },
    ]);
    assert.equal(run.results[1]!.level, 'error');
  });
});

describe('--fail-on', () => {
  it('fails at or above the threshold only', () => {
    assert.equal(failsOn(['medium'], parseFailOn('high')), false);
    assert.equal(failsOn(['medium', 'critical'], parseFailOn('HIGH')), true);
    assert.equal(failsOn(['critical'], parseFailOn('never')), false);
  });
  it('rejects unknown thresholds with a usage error', async () => {
    await assertRejectsWithCode(() => parseFailOn('severe'), 'FAIL_ON_INVALID');
  });
});
