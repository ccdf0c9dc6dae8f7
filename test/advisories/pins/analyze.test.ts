import assert from 'node:assert/strict';
import { analyzePins, type PinReport } from '../../../src/advisories/pins/index.ts';
import type {
  DeclaredConstraint,
  Hash,
  IndexDeclaration,
  InstallerOption,
  Package,
  Problem,
  PythonDeclaredMetadata,
  ScanResult,
} from '../../../src/sbom/model.ts';

const SHA256: Hash = { algorithm: 'sha256', value: 'a'.repeat(64) };
const FILE = '/requirements.txt';
const COMMIT = 'f'.repeat(40);

let nextLine = 1;
function declared(
  name: string,
  metadata: Partial<PythonDeclaredMetadata> = {},
  extra: { hashes?: Hash[]; version?: string; line?: number; path?: string } = {},
): Package {
  const line = extra.line ?? nextLine++;
  const path = extra.path ?? FILE;
  return {
    id: `pypi:${name}:${path}:${line}`,
    ecosystem: 'pypi',
    name,
    ...(extra.version ? { version: extra.version } : {}),
    foundBy: 'test',
    locations: [{ path, line }],
    hashes: extra.hashes ?? [],
    licenses: [],
    metadata: {
      kind: 'python-declared',
      format: 'requirements',
      rawName: name,
      specifier: '',
      pinned: false,
      extras: [],
      ...metadata,
    },
  };
}

const exact = (name: string, extra: { hashes?: Hash[]; line?: number } = {}) =>
  declared(name, { specifier: '==1.0', pinned: true }, { version: '1.0', ...extra });

function scan(parts: {
  packages?: Package[];
  indexes?: IndexDeclaration[];
  constraints?: DeclaredConstraint[];
  installerOptions?: InstallerOption[];
  problems?: Problem[];
}): ScanResult {
  return {
    target: { type: 'file', name: 'requirements.txt' },
    packages: parts.packages ?? [],
    relationships: [],
    problems: parts.problems ?? [],
    environments: [],
    indexes: parts.indexes ?? [],
    ...(parts.constraints ? { constraints: parts.constraints } : {}),
    ...(parts.installerOptions ? { installerOptions: parts.installerOptions } : {}),
  };
}

const index = (kind: IndexDeclaration['kind'], value: string, line = 1): IndexDeclaration => ({
  kind,
  value,
  location: { path: FILE, line },
});

/** `RULE severity line subject` of every finding. */
function findings(report: PinReport): string[] {
  return report.findings.map((f) =>
    `${f.ruleId} ${f.severity} ${f.location?.line ?? '-'} ${f.package ?? f.subject ?? ''}`.trim(),
  );
}

describe('analyzePins', () => {
  beforeEach(() => {
    nextLine = 1;
  });

  describe('when requirements pin in different ways', () => {
    it('classifies each and reports what is wrong with it on its own', () => {
      const report = analyzePins(
        scan({
          packages: [
            exact('exact', { hashes: [SHA256] }),
            declared('ranged', { specifier: '>=1,<2' }, { hashes: [SHA256] }),
            declared('any', {}, { hashes: [SHA256] }),
            declared('archive', { url: 'https://files.test/archive-1.0.tar.gz' }, { hashes: [SHA256] }),
            declared('bare-archive', { url: 'https://files.test/bare-1.0.tar.gz' }),
            declared('branch', {
              url: 'git+https://h.test/o/r@main',
              vcs: { vcs: 'git', ref: 'main', immutable: false },
            }),
            declared('commit', {
              url: `git+https://h.test/o/r@${COMMIT}`,
              vcs: { vcs: 'git', ref: COMMIT, immutable: true },
            }),
            declared('editable', { url: './lib/editable', editable: true }),
            declared('wheel', { url: './dist/wheel-1.0-py3-none-any.whl', pinned: true }, { version: '1.0' }),
            declared(
              'weak',
              { specifier: '==1', pinned: true },
              { hashes: [{ algorithm: 'md5', value: '0'.repeat(32) }] },
            ),
            declared('plain', { url: 'http://files.test/plain-1.0.zip' }, { hashes: [SHA256] }),
            declared('secret', {
              url: 'git+https://***@h.test/o/secret@v1',
              vcs: { vcs: 'git', ref: 'v1', immutable: false },
            }),
          ],
        }),
      );
      assert.deepEqual(
        report.requirements.map((r) => `${r.name}:${r.pin}`),
        [
          'exact:exact',
          'ranged:range',
          'any:unpinned',
          'archive:url',
          'bare-archive:url',
          'branch:vcs',
          'commit:vcs',
          'editable:path',
          'wheel:path',
          'weak:exact',
          'plain:url',
          'secret:vcs',
        ],
      );
      assert.deepEqual(findings(report), [
        'PIN-001 medium 2 ranged',
        'PIN-001 medium 3 any',
        'PIN-004 low 4 archive',
        'PIN-003 high 5 bare-archive',
        'PIN-004 medium 5 bare-archive',
        'PIN-003 high 6 branch',
        'PIN-005 high 6 branch',
        'PIN-003 high 7 commit',
        'PIN-006 low 7 commit',
        'PIN-003 high 8 editable',
        'PIN-007 medium 8 editable',
        'PIN-003 high 9 wheel',
        'PIN-008 low 9 wheel',
        'PIN-009 low 10 weak',
        'PIN-004 low 11 plain',
        'PIN-104 high 11 plain',
        'PIN-003 high 12 secret',
        'PIN-005 high 12 secret',
        'PIN-106 high 12 secret',
      ]);
      assert.deepEqual(report.requirements.find((r) => r.name === 'branch')!.rules, ['PIN-003', 'PIN-005']);
      assert.deepEqual(report.summary.byPin, { exact: 2, range: 1, unpinned: 1, url: 3, vcs: 3, path: 2 });
      assert.equal(report.summary.hashCoverage, 'partial');
      assert.equal(report.summary.hashed, 6);
    });
  });

  describe('when judging hash coverage', () => {
    it('reports a file with no hashes once, at its first line', () => {
      const report = analyzePins(scan({ packages: [exact('a'), exact('b')] }), { rootFile: '/top.txt' });
      assert.deepEqual(findings(report), ['PIN-002 medium 1']);
      assert.deepEqual(report.findings[0]!.location, { path: '/top.txt', line: 1 });
      assert.equal(report.summary.hashCoverage, 'none');
    });

    it('reports each requirement without a hash when --require-hashes is set', () => {
      const report = analyzePins(
        scan({
          packages: [exact('a'), exact('b')],
          installerOptions: [{ name: '--require-hashes', location: { path: FILE, line: 9 } }],
        }),
      );
      assert.deepEqual(findings(report), ['PIN-003 high 1 a', 'PIN-003 high 2 b']);
      assert.equal(report.summary.requireHashes, true);
    });

    it('reports nothing when every requirement is hashed, or when there are no requirements', () => {
      assert.deepEqual(findings(analyzePins(scan({ packages: [exact('a', { hashes: [SHA256] })] }))), []);
      const empty = analyzePins(scan({}));
      assert.deepEqual(findings(empty), []);
      assert.equal(empty.summary.hashCoverage, 'not-applicable');
    });

    it('does not ask a lock file to hash a checkout or a folder', () => {
      const lock = (name: string, m: Partial<PythonDeclaredMetadata>, hashes: Hash[] = []) =>
        declared(
          name,
          { format: 'uv-lock', pinned: true, ...m },
          { hashes, version: '1.0', path: '/uv.lock' },
        );
      const report = analyzePins(
        scan({
          packages: [
            lock(
              'registry',
              { index: 'https://pypi.org/simple', url: 'https://files.pythonhosted.org/r.whl' },
              [SHA256],
            ),
            lock('git-dep', {
              url: `git+https://h.test/o/r?rev=main#${COMMIT}`,
              vcs: { vcs: 'git', ref: COMMIT, immutable: true },
            }),
            lock('local', { url: '../local', editable: true }),
          ],
        }),
      );
      assert.equal(report.summary.hashCoverage, 'all');
      assert.deepEqual(
        report.requirements.map((r) => `${r.name}:${r.pin}`),
        ['registry:exact', 'git-dep:vcs', 'local:path'],
      );
      assert.deepEqual(findings(report), ['PIN-006 low 2 git-dep', 'PIN-007 medium 3 local']);
    });
  });

  describe('when a constraints file pins a requirement', () => {
    const constraint = (name: string, specifier: string, marker?: string): DeclaredConstraint => ({
      name,
      rawName: name,
      specifier,
      pinned: specifier.startsWith('=='),
      hashes: [],
      location: { path: '/constraints.txt', line: 4 },
      ...(marker ? { marker } : {}),
    });

    it('counts the requirement as pinned by the constraint when the markers agree', () => {
      const report = analyzePins(
        scan({
          packages: [
            declared('flask', { specifier: '>=2' }, { hashes: [SHA256] }),
            declared('jinja2', { marker: 'python_version >= "3.9"' }, { hashes: [SHA256] }),
            declared('click', {}, { hashes: [SHA256] }),
          ],
          constraints: [
            constraint('flask', '==3.0.3'),
            constraint('flask', '==3.0.3'),
            constraint('jinja2', '==3.1.6', 'python_version < "3.9"'),
            constraint('click', '>=8'),
          ],
        }),
      );
      assert.deepEqual(findings(report), ['PIN-001 medium 2 jinja2', 'PIN-001 medium 3 click']);
      assert.deepEqual(report.requirements[0]!.pinnedByConstraint, {
        specifier: '==3.0.3',
        location: { path: '/constraints.txt', line: 4 },
      });
      assert.equal(report.summary.pinnedByConstraint, 1);
      assert.equal(report.summary.constraints, 3);
    });
  });

  describe('when indexes are declared', () => {
    it('flags several indexes as high without hashes and medium when every requirement is hashed', () => {
      const indexes = [
        index('index-url', 'https://pypi.org/simple', 3),
        index('extra-index-url', 'https://x.test/simple', 4),
      ];
      const unhashed = analyzePins(scan({ packages: [exact('a')], indexes }));
      assert.deepEqual(findings(unhashed), ['PIN-002 medium 1', 'PIN-101 high 4 https://x.test/simple']);
      assert.match(
        unhashed.findings[1]!.message,
        /2 indexes \(https:\/\/pypi\.org\/simple, https:\/\/x\.test\/simple\)/,
      );
      const hashed = analyzePins(scan({ packages: [exact('a', { hashes: [SHA256] })], indexes }));
      assert.deepEqual(findings(hashed), ['PIN-101 medium 4 https://x.test/simple']);
    });

    it("names pip's default index when the file sets none", () => {
      const report = analyzePins(scan({ indexes: [index('extra-index-url', 'https://x.test/simple')] }));
      assert.match(report.findings[0]!.message, /https:\/\/pypi\.org\/simple \(pip's default\)/);
    });

    it('flags trust overrides, plain HTTP, remote link pages, secrets and unsafe uv strategies', () => {
      const report = analyzePins(
        scan({
          indexes: [
            index('index-url', 'http://mirror.test/simple', 1),
            index('trusted-host', 'mirror.test', 2),
            index('find-links', 'https://links.test/wheels.html', 3),
            index('find-links', './wheels', 4),
            index('find-links', 'http://links.test/plain.html', 5),
            index('extra-index-url', 'https://***@private.test/simple', 6),
            index('extra-index-url', 'https://${TOKEN}@env.test/simple', 7),
            index('index-strategy', 'unsafe-best-match', 8),
            index('index-strategy', 'first-index', 9),
            index('lock-source', 'http://registry.test/simple', 10),
          ],
        }),
      );
      assert.deepEqual(findings(report), [
        'PIN-104 high 1 http://mirror.test/simple',
        'PIN-103 high 2 mirror.test',
        'PIN-105 medium 3 https://links.test/wheels.html',
        'PIN-104 high 5 http://links.test/plain.html',
        'PIN-105 medium 5 http://links.test/plain.html',
        'PIN-101 high 6 https://***@private.test/simple',
        'PIN-106 high 6 https://***@private.test/simple',
        'PIN-101 high 7 https://${TOKEN}@env.test/simple',
        'PIN-102 high 8 unsafe-best-match',
        'PIN-104 high 10 http://registry.test/simple',
      ]);
    });

    it('ignores index URLs under --no-index, as pip does, but not link pages or secrets', () => {
      const report = analyzePins(
        scan({
          indexes: [
            index('no-index', '', 1),
            index('extra-index-url', 'http://***@x.test/simple', 2),
            index('find-links', 'http://links.test/', 3),
          ],
        }),
      );
      assert.deepEqual(findings(report), [
        'PIN-106 high 2 http://***@x.test/simple',
        'PIN-104 high 3 http://links.test/',
        'PIN-105 medium 3 http://links.test/',
      ]);
    });

    it('flags includes fetched from URLs', () => {
      const report = analyzePins(
        scan({
          installerOptions: [
            { name: '--requirement', value: 'base.txt', location: { path: FILE, line: 1 } },
            {
              name: '--constraint',
              value: 'http://c.test/constraints.txt',
              location: { path: FILE, line: 2 },
            },
            { name: '--requirement', value: 'file:///etc/reqs.txt', location: { path: FILE, line: 3 } },
          ],
        }),
      );
      assert.deepEqual(findings(report), [
        'PIN-104 high 2 http://c.test/constraints.txt',
        'PIN-107 high 2 http://c.test/constraints.txt',
      ]);
    });
  });

  describe('when the scan had problems', () => {
    it('turns errors into PIN-010 findings and keeps warnings as problems only', () => {
      const report = analyzePins(
        scan({
          packages: [exact('a', { hashes: [SHA256] })],
          problems: [
            {
              code: 'REQUIREMENTS_INCLUDE_ESCAPES',
              severity: 'error',
              message: 'Line 3: -r ../x.txt climbs out',
              path: FILE,
              line: 3,
            },
            {
              code: 'REQUIREMENTS_ENV_VAR',
              severity: 'warning',
              message: 'Line 4 uses ${X}',
              path: FILE,
              line: 4,
            },
          ],
        }),
      );
      assert.deepEqual(findings(report), ['PIN-010 high 3']);
      assert.match(report.findings[0]!.message, /REQUIREMENTS_INCLUDE_ESCAPES/);
      assert.equal(report.problems.length, 2);
      assert.equal(report.unreadable, undefined);
    });

    it('calls the named file unreadable only when it gave nothing and could not be read', () => {
      const tooLarge: Problem = {
        code: 'SBOM_FILE_TOO_LARGE',
        severity: 'warning',
        message: 'too large',
        path: FILE,
      };
      assert.equal(analyzePins(scan({ problems: [tooLarge] }), { rootFile: FILE }).unreadable, tooLarge);
      assert.equal(analyzePins(scan({ problems: [] }), { rootFile: FILE }).unreadable, undefined);
      const other: Problem = { ...tooLarge, path: '/included.txt' };
      assert.equal(analyzePins(scan({ problems: [other] }), { rootFile: FILE }).unreadable, undefined);
      assert.equal(
        analyzePins(scan({ packages: [exact('a')], problems: [tooLarge] }), { rootFile: FILE }).unreadable,
        undefined,
      );
    });
  });

  it('summarises findings by severity and rule', () => {
    const report = analyzePins(
      scan({
        packages: [declared('a', { specifier: '>=1' }), exact('b')],
        indexes: [index('trusted-host', 'h.test')],
      }),
    );
    assert.deepEqual(report.summary.bySeverity, { critical: 0, high: 1, medium: 2, low: 0, info: 0 });
    assert.deepEqual(report.summary.byRule, { 'PIN-001': 1, 'PIN-002': 1, 'PIN-103': 1 });
    assert.equal(report.summary.findings, 3);
    assert.deepEqual(report.files, [FILE]);
  });
});
