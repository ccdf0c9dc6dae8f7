import assert from 'node:assert/strict';
import { Enums, Models } from '@cyclonedx/cyclonedx-library';
import type { ScanResult } from '../../../src/sbom/model.ts';
import { serializeBom } from '../../../src/sbom/cyclonedx/serialize.ts';
import { toBom, type BomConversion } from '../../../src/sbom/cyclonedx/to-bom.ts';
import { validateBom } from '../../../src/sbom/cyclonedx/validate.ts';
import { containerImage, declared, installed, pkg, pythonEnvironment } from './scan-results.ts';

const TOOL = { name: 'raygate', version: '9.8.7' };

function convert(result: ScanResult, reproducible = false): BomConversion {
  return toBom(result, { tool: TOOL, timestamp: new Date('2026-05-06T07:08:09Z'), reproducible });
}

function emptyScan(overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    target: { type: 'directory', name: 'venv' },
    packages: [],
    relationships: [],
    problems: [],
    environments: [],
    indexes: [],
    ...overrides,
  };
}

function allComponents(bom: Models.Bom): Models.Component[] {
  const out: Models.Component[] = [];
  const walk = (components: Iterable<Models.Component>) => {
    for (const c of components) {
      out.push(c);
      walk(c.components);
    }
  };
  walk(bom.components);
  return out;
}

function byRef(bom: Models.Bom, ref: string): Models.Component {
  const found = allComponents(bom).find((c) => c.bomRef.value === ref);
  assert.ok(found, `no component ${ref}`);
  return found;
}

function properties(component: Models.Component | Models.Metadata, name: string): string[] {
  return [...component.properties].filter((p) => p.name === name).map((p) => p.value);
}

function json(bom: Models.Bom): {
  components: { 'bom-ref': string }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
} {
  return JSON.parse(serializeBom(bom, 'json'));
}

describe('toBom', () => {
  describe('when packages share a purl', () => {
    it('keeps the purl as bom-ref when unique and qualifies the duplicates stably', () => {
      const { bom } = convert(pythonEnvironment());
      const refs = allComponents(bom).map((c) => c.bomRef.value!);
      assert.equal(new Set(refs).size, refs.length, 'bom-refs are unique');
      assert.ok(refs.includes('pkg:pypi/ray@2.58.0'));
      const aiohttp = refs.filter((r) => r.startsWith('pkg:pypi/aiohttp@3.11.16'));
      assert.equal(aiohttp.length, 2);
      for (const ref of aiohttp) assert.match(ref, /^pkg:pypi\/aiohttp@3\.11\.16\?raygate-id=[0-9a-f]{12}$/);
      assert.deepEqual(
        allComponents(convert(pythonEnvironment()).bom).map((c) => c.bomRef.value),
        allComponents(bom).map((c) => c.bomRef.value),
        'the same scan gives the same refs',
      );
    });

    it('uses the package id when there is no purl, and never the target ref', () => {
      const scan = emptyScan({
        packages: [
          pkg({ id: 'generic:tool@*:/bin/tool', name: 'tool', metadata: { kind: 'generic' } }),
          pkg({ id: 'raygate:target', name: 'clash', metadata: { kind: 'generic' } }),
        ],
      });
      const { bom } = convert(scan);
      const refs = allComponents(bom).map((c) => c.bomRef.value);
      assert.deepEqual(refs, ['generic:tool@*:/bin/tool', 'raygate:target-2']);
      assert.equal(bom.metadata.component!.bomRef.value, 'raygate:target');
    });
  });

  describe('when one package vendors others', () => {
    it('nests them in their owner and lists them in its dependsOn', () => {
      const { bom } = convert(pythonEnvironment());
      const ray = byRef(bom, 'pkg:pypi/ray@2.58.0');
      const nested = [...ray.components].map((c) => c.bomRef.value!);
      assert.equal(nested.length, 2);
      assert.ok(nested.includes('pkg:pypi/yarl@1.18.3'));
      const deps = [...ray.dependencies].map(String);
      for (const ref of nested) assert.ok(deps.includes(ref), `${ref} in ray's dependsOn`);
      assert.ok(!bom.components.has(byRef(bom, 'pkg:pypi/yarl@1.18.3')), 'not also at the top level');
    });

    it('nests a package vendored twice under one owner and names both owners', () => {
      const { bom } = convert(pythonEnvironment());
      const psutil = byRef(bom, 'pkg:pypi/psutil@6.1.1');
      assert.deepEqual(properties(psutil, 'raygate:vendored-by'), [
        'pkg:pypi/mypkg@0.1.0',
        'pkg:pypi/ray@2.58.0',
      ]);
      const holders = allComponents(bom).filter((c) => c.components.has(psutil));
      assert.deepEqual(
        holders.map((c) => c.bomRef.value),
        ['pkg:pypi/mypkg@0.1.0'],
      );
      for (const owner of ['pkg:pypi/mypkg@0.1.0', 'pkg:pypi/ray@2.58.0']) {
        assert.ok([...byRef(bom, owner).dependencies].map(String).includes('pkg:pypi/psutil@6.1.1'));
      }
    });

    it('breaks a vendoring cycle instead of nesting forever, and reports it', () => {
      const a = pkg({ id: 'a', name: 'a', purl: 'pkg:pypi/a@1', version: '1', metadata: installed() });
      const b = pkg({ id: 'b', name: 'b', purl: 'pkg:pypi/b@1', version: '1', metadata: installed() });
      const { bom, notes } = convert(
        emptyScan({
          packages: [a, b],
          relationships: [
            { from: 'a', to: 'b', type: 'vendors' },
            { from: 'b', to: 'a', type: 'vendors' },
          ],
        }),
      );
      assert.deepEqual(
        [...bom.components].map((c) => c.bomRef.value),
        ['pkg:pypi/b@1'],
      );
      assert.deepEqual(
        [...byRef(bom, 'pkg:pypi/b@1').components].map((c) => c.bomRef.value),
        ['pkg:pypi/a@1'],
      );
      assert.deepEqual(
        notes.map((n) => n.code),
        ['CYCLONEDX_VENDOR_CYCLE'],
      );
    });
  });

  describe('when packages depend on each other', () => {
    it('gives every component a dependency entry and reaches every one from the target', () => {
      const { bom } = convert(pythonEnvironment());
      const doc = json(bom);
      const all = allComponents(bom).map((c) => c.bomRef.value!);
      assert.deepEqual(doc.dependencies.map((d) => d.ref).sort(), ['raygate:target', ...all].sort());
      const graph = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
      const reached = new Set<string>();
      const stack = ['raygate:target'];
      while (stack.length) {
        const ref = stack.pop()!;
        if (reached.has(ref)) continue;
        reached.add(ref);
        stack.push(...graph.get(ref)!);
      }
      assert.deepEqual([...reached].sort(), ['raygate:target', ...all].sort());
    });

    it('roots the target at packages nothing depends on, plus one member of an unreached cycle', () => {
      const { bom } = convert(pythonEnvironment());
      const roots = [...bom.metadata.component!.dependencies].map(String);
      assert.ok(roots.includes('pkg:pypi/mypkg@0.1.0'));
      assert.ok(!roots.includes('pkg:pypi/ray@2.58.0'), 'mypkg depends on ray');
      assert.ok(roots.includes('pkg:pypi/cycle-a@1.0'));
      assert.ok(!roots.includes('pkg:pypi/cycle-b@1.0'));
      assert.deepEqual(roots, [...roots].sort(), 'in code-point order');
    });

    it('reports a relationship to a package the scan does not have', () => {
      const a = pkg({ id: 'a', name: 'a', metadata: installed() });
      const { bom, notes } = convert(
        emptyScan({ packages: [a], relationships: [{ from: 'a', to: 'missing', type: 'depends-on' }] }),
      );
      assert.equal(byRef(bom, 'a').dependencies.size, 0);
      assert.deepEqual(
        notes.map((n) => n.code),
        ['CYCLONEDX_RELATIONSHIP_DANGLING'],
      );
    });
  });

  describe('when packages carry licenses', () => {
    const licensed = (licenses: ScanResult['packages'][number]['licenses']) =>
      byRef(
        convert(emptyScan({ packages: [pkg({ id: 'p', name: 'p', licenses, metadata: installed() })] })).bom,
        'p',
      );

    it('writes a single SPDX id as license.id, acknowledged as declared', () => {
      const [license] = [...licensed([{ expression: 'Apache-2.0' }]).licenses];
      assert.ok(license instanceof Models.SpdxLicense);
      assert.equal(license.id, 'Apache-2.0');
      assert.equal(license.acknowledgement, Enums.LicenseAcknowledgement.Declared);
    });

    it('matches SPDX ids case-insensitively', () => {
      const [license] = [...licensed([{ expression: 'mit' }]).licenses];
      assert.ok(license instanceof Models.SpdxLicense);
      assert.equal(license.id, 'MIT');
    });

    it('writes a compound expression as the one expression', () => {
      const [license, ...rest] = [...licensed([{ expression: 'MIT OR Apache-2.0' }]).licenses];
      assert.ok(license instanceof Models.LicenseExpression);
      assert.equal(license.expression, 'MIT OR Apache-2.0');
      assert.equal(rest.length, 0);
    });

    it('joins several expressions and ids with AND, parenthesising compound ones', () => {
      const component = licensed([{ expression: 'MIT OR Apache-2.0' }, { expression: 'BSD-3-Clause' }]);
      const [license] = [...component.licenses];
      assert.ok(license instanceof Models.LicenseExpression);
      assert.equal(license.expression, '(MIT OR Apache-2.0) AND BSD-3-Clause');
    });

    it('writes raw text as license.name, beside ids', () => {
      const names = [...licensed([{ text: 'BSD' }, { expression: 'MIT' }]).licenses].map((l) =>
        l instanceof Models.NamedLicense
          ? `name:${l.name}`
          : l instanceof Models.SpdxLicense
            ? `id:${l.id}`
            : '?',
      );
      assert.deepEqual(names, ['id:MIT', 'name:BSD']);
    });

    it('moves raw text next to an expression into evidence, which the spec keeps apart', () => {
      const component = licensed([{ expression: 'MIT OR Apache-2.0' }, { text: 'Apache 2' }]);
      assert.equal(component.licenses.size, 1);
      assert.deepEqual(
        [...component.evidence!.licenses].map((l) => (l as Models.NamedLicense).name),
        ['Apache 2'],
      );
    });

    it('keeps a whole license body as the text of a license named by its first line', () => {
      const body = 'The MIT License\n\nPermission is hereby granted...\n';
      const [license] = [...licensed([{ text: body }]).licenses];
      assert.ok(license instanceof Models.NamedLicense);
      assert.equal(license.name, 'The MIT License');
      assert.equal(String(license.text!.content), body);
    });

    it('keeps an invalid SPDX expression as a name and reports it', () => {
      const { bom, notes } = convert(
        emptyScan({
          packages: [
            pkg({ id: 'p', name: 'p', licenses: [{ expression: 'MIT or later?' }], metadata: installed() }),
          ],
        }),
      );
      const [license] = [...byRef(bom, 'p').licenses];
      assert.ok(license instanceof Models.NamedLicense);
      assert.equal(license.name, 'MIT or later?');
      assert.deepEqual(
        notes.map((n) => n.code),
        ['CYCLONEDX_LICENSE_EXPRESSION_INVALID'],
      );
    });
  });

  describe('when packages carry hashes', () => {
    it('keeps one digest per algorithm as a hash, several as artifact-hash properties, and reports bad ones', () => {
      const { bom, notes } = convert(
        emptyScan({
          packages: [
            pkg({
              id: 'p',
              name: 'p',
              hashes: [
                { algorithm: 'sha256', value: 'B'.repeat(64) },
                { algorithm: 'sha512', value: '1'.repeat(128) },
                { algorithm: 'sha512', value: '2'.repeat(128) },
                { algorithm: 'md5', value: 'xyz' },
              ],
              metadata: declared(),
            }),
          ],
        }),
      );
      const component = byRef(bom, 'p');
      assert.deepEqual([...component.hashes], [[Enums.HashAlgorithm['SHA-256'], 'b'.repeat(64)]]);
      assert.deepEqual(properties(component, 'raygate:artifact-hash'), [
        `sha512:${'1'.repeat(128)}`,
        `sha512:${'2'.repeat(128)}`,
      ]);
      assert.deepEqual(
        notes.map((n) => n.code),
        ['CYCLONEDX_HASH_INVALID'],
      );
    });
  });

  describe('when describing the scan', () => {
    it('records every problem and the conversion notes in metadata properties, with counts', () => {
      const { bom, notes } = convert(pythonEnvironment());
      const problems = properties(bom.metadata, 'raygate:problem');
      assert.equal(problems.length, 2 + notes.length);
      assert.ok(problems.some((p) => p.startsWith('error SBOM_SYMLINK_LOOP /home/ray/anaconda3/loop: ')));
      assert.ok(
        problems.some((p) =>
          p.startsWith(
            'warning SBOM_METADATA_MALFORMED /home/ray/anaconda3/lib/python3.11/site-packages/broken-1.0.dist-info/METADATA:3 by python-installed-cataloger: ',
          ),
        ),
      );
      assert.deepEqual(properties(bom.metadata, 'raygate:problem-count'), [String(2 + notes.length)]);
      assert.deepEqual(properties(bom.metadata, 'raygate:problem-count:error'), ['1']);
    });

    it('marks a reproducible document and names raygate with the given version as the tool', () => {
      const { bom } = convert(emptyScan(), true);
      assert.deepEqual(properties(bom.metadata, 'cdx:reproducible'), ['true']);
      const [tool] = [...bom.metadata.tools.components];
      assert.equal(tool!.name, 'raygate');
      assert.equal(tool!.version, '9.8.7');
      assert.equal(bom.metadata.timestamp?.toISOString(), '2026-05-06T07:08:09.000Z');
      assert.deepEqual(properties(convert(emptyScan()).bom.metadata, 'cdx:reproducible'), []);
    });

    it('describes a folder as an application and an image as a container with its digest', () => {
      const folder = convert(emptyScan()).bom.metadata.component!;
      assert.equal(folder.type, Enums.ComponentType.Application);
      assert.equal(folder.name, 'venv');
      const image = convert(containerImage()).bom.metadata.component!;
      assert.equal(image.type, Enums.ComponentType.Container);
      assert.equal(image.version, '2.58.0-py311-cpu');
      assert.equal(image.hashes.get(Enums.HashAlgorithm['SHA-256']), '9'.repeat(64));
    });

    it('writes the OS as an operating-system component and Debian packages as libraries', () => {
      const { bom } = convert(containerImage());
      const types = Object.fromEntries(allComponents(bom).map((c) => [c.name, c.type]));
      assert.equal(types.debian, Enums.ComponentType.OperatingSystem);
      assert.equal(types.libc6, Enums.ComponentType.Library);
      assert.deepEqual(
        properties(
          byRef(bom, 'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12'),
          'raygate:location:0:layer',
        ),
        ['sha256:' + '1'.repeat(64)],
      );
    });

    it('omits the version of a declared requirement that allows a range', () => {
      const { bom } = convert(
        emptyScan({
          packages: [pkg({ id: 'c', name: 'click', metadata: declared({ specifier: '>=7.0' }) })],
        }),
      );
      assert.equal(byRef(bom, 'c').version, undefined);
      assert.deepEqual(properties(byRef(bom, 'c'), 'raygate:declared:specifier'), ['>=7.0']);
    });
  });

  describe('when text cannot be written as XML', () => {
    it('replaces the characters, reports where, and writes valid XML', async function () {
      this.timeout(30_000);
      const { bom, notes } = convert(
        emptyScan({
          target: { type: 'directory', name: 'venv\u0001' },
          packages: [
            pkg({
              id: 'p',
              name: 'bad\u0000name',
              locations: [{ path: '/sp/p.dist-info/METADATA' }],
              licenses: [{ text: 'GPL\fv2' }],
              metadata: installed({ summary: 'bell\u0007' }),
            }),
          ],
          problems: [
            { code: 'X', severity: 'warning', message: 'file name has \u001b in it', path: '/a\u001b' },
          ],
        }),
      );
      assert.equal(byRef(bom, 'p').name, 'bad\uFFFDname');
      assert.deepEqual(
        notes.map((n) => [n.code, n.message.split(':')[0], n.path]),
        [
          ['CYCLONEDX_TEXT_REPLACED', 'p', '/sp/p.dist-info/METADATA'],
          ['CYCLONEDX_TEXT_REPLACED', 'raygate', undefined],
          ['CYCLONEDX_TEXT_REPLACED', 'metadata', undefined],
        ],
      );
      assert.match(notes[0]!.message, /in description, license, name\.$/);
      assert.deepEqual(await validateBom(serializeBom(bom, 'xml'), 'xml'), []);
    });
  });

  describe('when the scan repeats a package id', () => {
    it('throws, since scanSource guarantees unique ids', () => {
      const a = pkg({ id: 'a', name: 'a', metadata: installed() });
      assert.throws(() => convert(emptyScan({ packages: [a, { ...a }] })), /two packages with id a/);
    });
  });
});
