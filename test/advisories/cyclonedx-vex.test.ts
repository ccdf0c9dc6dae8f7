import assert from 'node:assert/strict';
import { Enums, Models, Serialize, Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { assessPackages } from '../../src/advisories/assess.ts';
import { attachFindingsToBom } from '../../src/advisories/cyclonedx-vex.ts';
import { applyIgnores, parseIgnoreFile } from '../../src/advisories/ignore.ts';
import type { OsvRecord } from '../../src/advisories/osv.ts';
import { queryId } from '../../src/advisories/package-query.ts';
import { purlToPackage } from '../../src/sbom/cyclonedx-input/purl-to-package.ts';
import { ghsa } from './records.ts';

const now = new Date('2026-11-25T12:00:00Z');

describe('attachFindingsToBom', () => {
  describe('when findings are attached to a BOM', () => {
    it('adds one vulnerability per finding, pointing at its component, and the BOM stays valid CycloneDX 1.6', async () => {
      const ray = purlToPackage('pkg:pypi/ray@2.6.3', { ref: 'ray-1' })!;
      const pillow = purlToPackage('pkg:pypi/pillow@10.0.0', { ref: 'pillow-1' })!;
      const records: OsvRecord[] = ['GHSA-h3xg-wv58-5p43', 'GHSA-6cxr-8q3m-jwrr', 'GHSA-44wm-f244-xhp3'].map(
        ghsa,
      );
      const source = {
        info: () => ({ kind: 'mirror' as const, location: 'memory' }),
        async query(qs: readonly { ecosystems: string[]; name: string; version: string }[]) {
          return { records: new Map(qs.map((q) => [queryId(q), records])), problems: [] };
        },
      };
      const assessment = await assessPackages([ray, pillow], source, { now });
      const ignores = applyIgnores(
        assessment.findings,
        parseIgnoreFile(
          'ignore:\n  - id: CVE-2023-6020\n    reason: static files not served\n    expires: 2027-01-01\n',
          'f',
        ),
        now,
      );

      // A BOM as the SBOM writer would build it: components with bom-refs of its choosing.
      const bom = new Models.Bom();
      const refs = new Map<string, Models.BomRef>();
      for (const pkg of [ray, pillow]) {
        const c = new Models.Component(Enums.ComponentType.Library, pkg.name, {
          version: pkg.version!,
          bomRef: `comp-${pkg.name}`,
        });
        c.purl = pkg.purl!;
        bom.components.add(c);
        refs.set(pkg.id, c.bomRef);
      }
      const { unattached } = attachFindingsToBom(bom, ignores.findings, ignores.ignored, (p) =>
        refs.get(p.id),
      );
      assert.deepEqual(unattached, []);
      assert.equal(bom.vulnerabilities.size, 3);

      const json = new Serialize.JsonSerializer(
        new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6),
      ).serialize(bom, { sortLists: true });
      const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
      assert.equal(errors, null, JSON.stringify(errors));
      const doc = JSON.parse(json) as { vulnerabilities: Record<string, unknown>[] };
      const byId = new Map(doc.vulnerabilities.map((v) => [v.id as string, v]));
      const cmd = byId.get('CVE-2023-6019') as {
        ratings: { score: number; severity: string; method: string; vector: string }[];
        affects: { ref: string; versions: { version: string; status: string }[] }[];
        references: { id: string }[];
        source: { name: string };
      };
      assert.deepEqual(cmd.ratings[0], {
        score: 9.8,
        severity: 'critical',
        method: 'CVSSv31',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      });
      assert.deepEqual(cmd.affects, [
        { ref: 'comp-ray', versions: [{ version: '2.6.3', status: 'affected' }] },
      ]);
      assert.deepEqual(
        cmd.references.map((r) => r.id),
        ['GHSA-h3xg-wv58-5p43'],
      );
      assert.equal(cmd.source.name, 'NVD');
      const ignored = byId.get('CVE-2023-6020') as { analysis: { detail: string; response: string[] } };
      assert.deepEqual(ignored.analysis.response, ['will_not_fix']);
      assert.match(ignored.analysis.detail, /until 2027-01-01: static files not served/);
      const pillowVuln = byId.get('CVE-2024-28219') as {
        ratings: { method: string }[];
        recommendation: string;
      };
      assert.equal(pillowVuln.ratings[0]!.method, 'CVSSv4');
      assert.equal(pillowVuln.recommendation, 'Upgrade pillow to 10.3.0 or later.');
    });

    it('returns findings whose package has no component instead of dropping them', async () => {
      const bom = new Models.Bom();
      const finding = {
        id: 'CVE-1',
        advisories: ['GHSA-x'],
        aliases: ['CVE-1'],
        package: {
          id: 'p',
          ecosystem: 'pypi' as const,
          name: 'x',
          version: '1',
          locations: [],
          query: { ecosystems: ['PyPI'], name: 'x', version: '1' },
        },
        severity: { severity: 'unknown' as const, method: 'none' as const },
        malicious: false,
        ranges: [],
        references: [],
        modified: '2024-01-01T00:00:00Z',
      };
      assert.equal(attachFindingsToBom(bom, [finding], [], () => undefined).unattached.length, 1);
    });
  });
});
