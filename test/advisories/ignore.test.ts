import assert from 'node:assert/strict';
import { assessPackages } from '../../src/advisories/assess.ts';
import { applyIgnores, parseIgnoreFile } from '../../src/advisories/ignore.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { queryId } from '../../src/advisories/package-query.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { ghsa } from './records.ts';

const now = new Date('2026-11-25T12:00:00Z');

async function rayFindings() {
  const records = ['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr'].map(ghsa);
  const source = {
    info: () => ({ kind: 'mirror' as const, location: 'memory' }),
    async query(queries: readonly { ecosystems: string[]; name: string; version: string }[]) {
      return {
        records: new Map<string, OsvRecord[]>(queries.map((q) => [queryId(q), records])),
        problems: [],
      };
    },
  };
  return (await assessPackages([purlToPackage('pkg:pypi/ray@2.6.3')!], source, { now })).findings;
}

describe('ignore file', () => {
  describe('when parsing', () => {
    it('reads rules with id, reason, expiry and an optional purl scope', () => {
      const rules = parseIgnoreFile(
        'ignore:\n  - id: CVE-2023-6019\n    reason: dashboard not exposed\n    expires: 2027-01-31\n    purl: pkg:pypi/ray\n',
        '.raygate-ignore.yaml',
      );
      assert.equal(rules.length, 1);
      assert.equal(rules[0]!.expiresAt.toISOString(), '2027-02-01T00:00:00.000Z');
      assert.equal(rules[0]!.scope?.name, 'ray');
    });

    it('accepts an empty file', () => {
      assert.deepEqual(parseIgnoreFile('', 'f'), []);
    });

    for (const [what, text] of [
      ['a missing reason', 'ignore:\n  - id: X\n    expires: 2027-01-01\n'],
      ['a missing expiry', 'ignore:\n  - id: X\n    reason: r\n'],
      ['a bad date', 'ignore:\n  - id: X\n    reason: r\n    expires: soon\n'],
      ['a bad purl', 'ignore:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n    purl: ray\n'],
      ['an unknown field', 'ignore:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n    until: x\n'],
      ['no ignore list', 'rules: []\n'],
      ['broken YAML', 'ignore: [\n'],
    ]) {
      it(`rejects ${what} with IGNORE_FILE_INVALID`, async () => {
        await assertRejectsWithCode(() => parseIgnoreFile(text!, 'f'), 'IGNORE_FILE_INVALID');
      });
    }
  });

  describe('when applied to findings', () => {
    it('moves matching findings to the ignored list, by id or alias, keeping the rule', async () => {
      const findings = await rayFindings();
      const rules = parseIgnoreFile(
        'ignore:\n  - id: GHSA-h3xg-wv58-5p43\n    reason: not exposed\n    expires: 2027-01-01\n',
        'f',
      );
      const out = applyIgnores(findings, rules, now);
      assert.deepEqual(
        out.ignored.map((i) => i.finding.id),
        ['CVE-2023-6019'],
      );
      assert.equal(out.ignored[0]!.rule.reason, 'not exposed');
      assert.deepEqual(
        out.findings.map((f) => f.id),
        ['CVE-2023-6020'],
      );
      assert.deepEqual(out.expired, []);
    });

    it('honours the purl scope, version included', async () => {
      const findings = await rayFindings();
      const rule = (purl: string) =>
        parseIgnoreFile(
          `ignore:\n  - id: CVE-2023-6019\n    reason: r\n    expires: 2027-01-01\n    purl: ${purl}\n`,
          'f',
        );
      assert.equal(applyIgnores(findings, rule('pkg:pypi/ray'), now).ignored.length, 1);
      assert.equal(applyIgnores(findings, rule('pkg:pypi/Ray@2.6.3'), now).ignored.length, 1);
      assert.equal(applyIgnores(findings, rule('pkg:pypi/ray@2.6.2'), now).ignored.length, 0);
      assert.equal(applyIgnores(findings, rule('pkg:pypi/urllib3'), now).ignored.length, 0);
    });

    it('ignores nothing with an expired rule and reports it, so the scan can fail', async () => {
      const findings = await rayFindings();
      const rules = parseIgnoreFile(
        'ignore:\n  - id: CVE-2023-6019\n    reason: r\n    expires: 2026-11-24\n',
        'f',
      );
      const out = applyIgnores(findings, rules, now);
      assert.equal(out.ignored.length, 0);
      assert.equal(out.findings.length, 2);
      assert.deepEqual(
        out.expired.map((r) => r.id),
        ['CVE-2023-6019'],
      );
    });

    it('reports rules that matched nothing', async () => {
      const rules = parseIgnoreFile(
        'ignore:\n  - id: CVE-1999-0001\n    reason: r\n    expires: 2027-01-01\n',
        'f',
      );
      assert.equal(applyIgnores(await rayFindings(), rules, now).unused.length, 1);
    });
  });
});
