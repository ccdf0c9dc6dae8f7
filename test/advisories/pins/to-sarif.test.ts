import assert from 'node:assert/strict';
import { analyzePins, PIN_RULES, relocateReport, toPinsSarif } from '../../../src/advisories/pins/index.ts';
import type { ScanResult } from '../../../src/sbom/model.ts';

const scan: ScanResult = {
  target: { type: 'file', name: 'my reqs.txt' },
  packages: [],
  relationships: [],
  problems: [
    { code: 'SBOM_SOMETHING', severity: 'error', message: 'unreadable include', path: '/my reqs.txt' },
  ],
  environments: [],
  indexes: [{ kind: 'trusted-host', value: 'h.test', location: { path: '/my reqs.txt', line: 3 } }],
};

describe('toPinsSarif', () => {
  it('points results at relocated, URI-encoded paths and omits the region when there is no line', () => {
    const report = relocateReport(analyzePins(scan), (p) => `sub${p}`);
    const log = toPinsSarif(report, { name: 'raygate', version: '0.0.0' }) as {
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        results: { ruleId: string; locations: { physicalLocation: Record<string, unknown> }[] }[];
      }[];
    };
    const [run] = log.runs;
    assert.deepEqual(
      run!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation]),
      [
        ['PIN-010', { artifactLocation: { uri: 'sub/my%20reqs.txt' } }],
        ['PIN-103', { artifactLocation: { uri: 'sub/my%20reqs.txt' }, region: { startLine: 3 } }],
      ],
    );
    assert.equal(
      run!.tool.driver.rules.find((r) => r.id === 'PIN-103')!.help.text,
      PIN_RULES.trustedHost.fix,
    );
  });
});
