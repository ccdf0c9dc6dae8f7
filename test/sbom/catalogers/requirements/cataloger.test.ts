import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import path from 'node:path';
import {
  MAX_INCLUDED_FILES,
  MAX_LOGICAL_LINES,
} from '../../../../src/sbom/catalogers/requirements/parse-requirements.ts';
import { LIMITS } from '../../../../src/shared/limits.ts';
import { makeTempDir } from '../../../support/temp-dir.ts';
import { byName, meta, problemCodes, scanFile, scanFiles, scanFolder, writeTree } from './scan-files.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const D = 'd'.repeat(64);
const SHA = '0123456789abcdef0123456789abcdef01234567';

const FULL_SYNTAX = [
  '# written by hand: one line of each kind pip reads', // 1
  '--index-url https://deploy:s3cret@pypi.internal.test/simple', // 2
  '--extra-index-url https://${TOKEN}@extra.test/simple', // 3
  '-f ./wheels', // 4
  '--trusted-host pypi.internal.test', // 5
  '--only-binary :all: --pre', // 6
  'requests[security, socks]==2.32.3 ; python_version >= "3.8" \\', // 7
  `    --hash=sha256:${A} \\`, // 8
  `    --hash=sha256:${B.toUpperCase()}`, // 9
  'Django>=4.2,<5  # a range', // 10
  'numpy', // 11
  'urllib3 @ https://github.com/urllib3/urllib3/archive/refs/tags/1.26.8.zip', // 12
  `https://files.test/pkgs/wheel_pkg-1.0.0-py3-none-any.whl#sha256=${C}`, // 13
  './dist/localpkg-2.0-py3-none-any.whl', // 14
  '-e ./libs/mylib[extra1]', // 15
  '-e git+https://github.com/org/edit-repo.git@main#egg=edit_pkg', // 16
  `git+https://github.com/org/vcs-repo.git@${SHA}#egg=vcs-pkg`, // 17
  `pkg-with-opts==1.0 --config-settings=k=v --global-option=--x --hash=sha256:${D}`, // 18
  'templated==${VERSION}', // 19
  'git+https://ci:tok@git.test/org/private.git@v2#egg=private', // 20
].join('\n');

describe('requirements cataloger', () => {
  describe('when a file uses every kind of line', () => {
    let result: Awaited<ReturnType<typeof scanFiles>>;
    before(async () => {
      result = await scanFiles({ 'requirements.txt': FULL_SYNTAX }, 'requirements.txt');
    });

    it('lists every requirement once, at its line', () => {
      assert.deepEqual(result.packages.map((p) => `${p.name}:${p.locations[0]!.line}`).sort(), [
        'django:10',
        'edit-pkg:16',
        'localpkg:14',
        'mylib:15',
        'numpy:11',
        'pkg-with-opts:18',
        'private:20',
        'requests:7',
        'templated:19',
        'urllib3:12',
        'vcs-pkg:17',
        'wheel-pkg:13',
      ]);
      assert.ok(result.packages.every((p) => p.foundBy === 'pip-requirements'));
    });

    it('keeps extras, markers and every hash of a continued line', () => {
      const requests = byName(result, 'requests');
      assert.equal(requests.version, '2.32.3');
      assert.equal(requests.purl, 'pkg:pypi/requests@2.32.3');
      assert.deepEqual(requests.locations, [{ path: '/requirements.txt', line: 7 }]);
      assert.deepEqual(requests.hashes, [
        { algorithm: 'sha256', value: A },
        { algorithm: 'sha256', value: B },
      ]);
      assert.deepEqual(meta(requests), {
        kind: 'python-declared',
        format: 'requirements',
        rawName: 'requests',
        specifier: '==2.32.3',
        pinned: true,
        extras: ['security', 'socks'],
        marker: 'python_version >= "3.8"',
      });
    });

    it('gives a version only to exact pins', () => {
      const django = byName(result, 'django');
      assert.equal(django.version, undefined);
      assert.equal(django.purl, 'pkg:pypi/django');
      assert.equal(meta(django).specifier, '>=4.2,<5');
      assert.equal(meta(django).pinned, false);
      assert.equal(meta(byName(result, 'numpy')).specifier, '');
      const templated = byName(result, 'templated');
      assert.equal(templated.version, undefined);
      assert.equal(meta(templated).pinned, false);
    });

    it('records direct URLs with a download_url qualifier and wheel versions', () => {
      const urllib3 = byName(result, 'urllib3');
      assert.equal(meta(urllib3).url, 'https://github.com/urllib3/urllib3/archive/refs/tags/1.26.8.zip');
      assert.equal(
        urllib3.purl,
        'pkg:pypi/urllib3?download_url=https%3A%2F%2Fgithub.com%2Furllib3%2Furllib3%2Farchive%2Frefs%2Ftags%2F1.26.8.zip',
      );
      const wheel = byName(result, 'wheel-pkg');
      assert.equal(wheel.version, '1.0.0');
      assert.equal(meta(wheel).pinned, true);
      assert.deepEqual(wheel.hashes, [{ algorithm: 'sha256', value: C }]);
      const local = byName(result, 'localpkg');
      assert.equal(local.version, '2.0');
      assert.equal(meta(local).url, './dist/localpkg-2.0-py3-none-any.whl');
    });

    it('marks editables and VCS refs, immutable only for a full commit', () => {
      const mylib = byName(result, 'mylib');
      assert.equal(meta(mylib).editable, true);
      assert.deepEqual(meta(mylib).extras, ['extra1']);
      const edit = byName(result, 'edit-pkg');
      assert.equal(meta(edit).editable, true);
      assert.deepEqual(meta(edit).vcs, { vcs: 'git', ref: 'main', immutable: false });
      const vcs = byName(result, 'vcs-pkg');
      assert.equal(meta(vcs).editable, undefined);
      assert.deepEqual(meta(vcs).vcs, { vcs: 'git', ref: SHA, immutable: true });
      assert.equal(
        vcs.purl,
        `pkg:pypi/vcs-pkg?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Forg%2Fvcs-repo.git%40${SHA}`,
      );
    });

    it('redacts credentials in index and package URLs but keeps ${VAR} placeholders', () => {
      assert.deepEqual(
        result.indexes.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['index-url', 'https://***@pypi.internal.test/simple', 2],
          ['extra-index-url', 'https://${TOKEN}@extra.test/simple', 3],
          ['find-links', './wheels', 4],
          ['trusted-host', 'pypi.internal.test', 5],
        ],
      );
      const priv = byName(result, 'private');
      assert.equal(meta(priv).url, 'git+https://***@git.test/org/private.git@v2#egg=private');
      assert.ok(!JSON.stringify(result).includes('s3cret'));
      assert.ok(!JSON.stringify(result).includes('ci:tok'));
    });

    it('records installer options and per-requirement hashes, ignoring the other per-requirement options', () => {
      assert.deepEqual(
        result.installerOptions?.map((o) => [o.name, o.value, o.location.line]),
        [
          ['--only-binary', ':all:', 6],
          ['--pre', undefined, 6],
        ],
      );
      assert.deepEqual(byName(result, 'pkg-with-opts').hashes, [{ algorithm: 'sha256', value: D }]);
    });

    it('reports what it inferred or left unexpanded, and nothing else', () => {
      assert.deepEqual(problemCodes(result), [
        'REQUIREMENTS_ENV_VAR@/requirements.txt:19',
        'REQUIREMENTS_ENV_VAR@/requirements.txt:3',
        'REQUIREMENTS_NAME_INFERRED@/requirements.txt:15',
      ]);
    });
  });

  describe('when a file sets installer options', () => {
    it("records every global option pip accepts, and uv's --index-strategy with a warning", async () => {
      const result = await scanFiles(
        {
          'requirements.txt': [
            '--no-index',
            '--prefer-binary --require-hashes',
            '--no-binary=:all: --use-feature fast-deps',
            '--index-strategy unsafe-best-match',
            '-i https://pypi.test/simple --extra-index-url=https://x.test/simple',
          ].join('\n'),
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.indexes.map((i) => [i.kind, i.value, i.location.line]),
        [
          ['no-index', '', 1],
          ['index-strategy', 'unsafe-best-match', 4],
          ['index-url', 'https://pypi.test/simple', 5],
          ['extra-index-url', 'https://x.test/simple', 5],
        ],
      );
      assert.deepEqual(
        result.installerOptions?.map((o) => [o.name, o.value, o.location.line]),
        [
          ['--prefer-binary', undefined, 2],
          ['--require-hashes', undefined, 2],
          ['--no-binary', ':all:', 3],
          ['--use-feature', 'fast-deps', 3],
        ],
      );
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_OPTION_NOT_PIP@/requirements.txt:4']);
    });
  });

  describe('when URLs name their project in other ways', () => {
    it('reads #egg= on archive URLs, and needs it on editable VCS URLs', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': [
            'https://h.test/archive/main.zip#egg=from-egg',
            'https://h.test/dl/legacy-pkg-2.1.tar.gz',
            'hg+https://hg.test/repo@tip#egg=hgpkg',
            '-e git+https://h.test/org/noname.git@main',
            '-e https://h.test/not-editable.zip',
            'https://h.test/archive/1.0.zip',
          ].join('\n'),
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => [p.name, p.locations[0]!.line, meta(p).url]),
        [
          ['from-egg', 1, 'https://h.test/archive/main.zip#egg=from-egg'],
          ['hgpkg', 3, 'hg+https://hg.test/repo@tip#egg=hgpkg'],
          ['legacy-pkg', 2, 'https://h.test/dl/legacy-pkg-2.1.tar.gz'],
        ],
      );
      assert.deepEqual(meta(byName(result, 'hgpkg')).vcs, { vcs: 'hg', ref: 'tip', immutable: false });
      assert.deepEqual(problemCodes(result), [
        'REQUIREMENTS_NAME_INFERRED@/requirements.txt:2',
        'REQUIREMENTS_REQUIREMENT_INVALID@/requirements.txt:4',
        'REQUIREMENTS_REQUIREMENT_INVALID@/requirements.txt:5',
        'REQUIREMENTS_UNNAMED@/requirements.txt:6',
      ]);
    });
  });

  describe('when options are misplaced', () => {
    it('ignores options pip ignores, and says so', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': [
            'foo==1 --index-url http://evil.test/simple',
            `-e ./lib --hash=sha256:${A}`,
            `--hash=sha256:${A}`,
            '-r base.txt --extra-index-url https://extra.test/simple',
            'bar==1 --hash=sha256:abc',
            'baz==1 --hash=md5:d41d8cd98f00b204e9800998ecf8427e',
            'qux==1 --nope',
            '--pre stray words',
          ].join('\n'),
          'base.txt': 'base-pkg==1\n',
        },
        'requirements.txt',
      );
      assert.deepEqual(result.indexes, []);
      assert.deepEqual(
        result.packages.map((p) => `${p.name}:${p.hashes.length}`),
        ['bar:0', 'base-pkg:0', 'baz:0', 'foo:0', 'lib:0', 'qux:0'],
      );
      assert.deepEqual(problemCodes(result), [
        'REQUIREMENTS_HASH_INVALID@/requirements.txt:5',
        'REQUIREMENTS_HASH_INVALID@/requirements.txt:6',
        'REQUIREMENTS_NAME_INFERRED@/requirements.txt:2',
        'REQUIREMENTS_OPTION_IGNORED@/requirements.txt:1',
        'REQUIREMENTS_OPTION_IGNORED@/requirements.txt:2',
        'REQUIREMENTS_OPTION_IGNORED@/requirements.txt:3',
        'REQUIREMENTS_OPTION_IGNORED@/requirements.txt:4',
        'REQUIREMENTS_OPTION_INVALID@/requirements.txt:7',
        'REQUIREMENTS_TEXT_IGNORED@/requirements.txt:8',
      ]);
      assert.ok(
        result.problems
          .filter((p) => p.code === 'REQUIREMENTS_HASH_INVALID')
          .every((p) => p.severity === 'error'),
      );
    });
  });

  describe('when a file includes others', () => {
    it('reads -r relative to the including file and keeps each package at its own file and line', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': '-r requirements/dev.txt\nroot-pkg==1\n',
          'requirements/dev.txt': '-r ../common/base.txt\n--requirement=test.txt\ndev-pkg==2\n',
          'requirements/test.txt': 'test-pkg==3\n',
          'common/base.txt': 'base-pkg==4\n',
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => `${p.name}@${p.locations[0]!.path}:${p.locations[0]!.line}`),
        [
          'base-pkg@/common/base.txt:1',
          'dev-pkg@/requirements/dev.txt:3',
          'root-pkg@/requirements.txt:2',
          'test-pkg@/requirements/test.txt:1',
        ],
      );
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.installerOptions?.map((o) => `${o.name} ${o.value} @${o.location.path}:${o.location.line}`),
        [
          '--requirement requirements/dev.txt @/requirements.txt:1',
          '--requirement ../common/base.txt @/requirements/dev.txt:1',
          '--requirement test.txt @/requirements/dev.txt:2',
        ],
      );
    });

    it('keeps constraints apart from packages, and follows -r inside a constraints file as pip does', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': '-c constraints.txt\nflask>=2\n',
          'constraints.txt': `flask==3.0.3 --hash=sha256:${A}\njinja2==3.1.6 ; python_version >= "3.9"\n-r more.txt\n`,
          'more.txt': 'itsdangerous==2.2.0\n',
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => p.name),
        ['flask', 'itsdangerous'],
      );
      assert.deepEqual(result.constraints, [
        {
          name: 'flask',
          rawName: 'flask',
          specifier: '==3.0.3',
          pinned: true,
          version: '3.0.3',
          hashes: [{ algorithm: 'sha256', value: A }],
          location: { path: '/constraints.txt', line: 1 },
        },
        {
          name: 'jinja2',
          rawName: 'jinja2',
          specifier: '==3.1.6',
          pinned: true,
          version: '3.1.6',
          marker: 'python_version >= "3.9"',
          hashes: [],
          location: { path: '/constraints.txt', line: 2 },
        },
      ]);
    });

    it('refuses editable and unnamed constraints, as pip does', async () => {
      const result = await scanFiles(
        { 'requirements.txt': '-c c.txt\n', 'c.txt': '-e ./lib\n./\n' },
        'requirements.txt',
      );
      assert.deepEqual(result.constraints ?? [], []);
      assert.deepEqual(problemCodes(result), [
        'REQUIREMENTS_CONSTRAINT_INVALID@/c.txt:1',
        'REQUIREMENTS_CONSTRAINT_INVALID@/c.txt:2',
      ]);
    });

    it('reads a file included twice only once', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': '-r a.txt\n-r b.txt\n',
          'a.txt': '-r common.txt\n',
          'b.txt': '-r ./common.txt\n',
          'common.txt': 'shared==1\n',
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => p.id),
        ['pypi:shared@1:/common.txt:1'],
      );
      assert.deepEqual(result.problems, []);
    });

    it('reports an include cycle once and breaks it', async () => {
      const result = await scanFiles(
        {
          'requirements.txt': '-r a.txt\nroot==1\n',
          'a.txt': '-r b.txt\na==1\n',
          'b.txt': '-r a.txt\n-r requirements.txt\nb==1\n',
        },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => p.name),
        ['a', 'b', 'root'],
      );
      assert.deepEqual(
        result.problems.map((p) => [p.code, `${p.path}:${p.line}`, p.message]),
        [
          [
            'REQUIREMENTS_INCLUDE_CYCLE',
            '/b.txt:1',
            'Line 1 of /b.txt closes an include cycle (/a.txt -> /b.txt -> /a.txt); each file is read once.',
          ],
          [
            'REQUIREMENTS_INCLUDE_CYCLE',
            '/requirements.txt:1',
            'Line 1 of /requirements.txt closes an include cycle (/a.txt -> /b.txt -> /requirements.txt -> /a.txt); each file is read once.',
          ],
        ],
      );
    });

    it('reports a file that includes itself', async () => {
      const result = await scanFiles(
        { 'requirements.txt': '-r requirements.txt\nx==1\n' },
        'requirements.txt',
      );
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_INCLUDE_CYCLE@/requirements.txt:1']);
      assert.equal(result.packages.length, 1);
    });

    it('never reads an include that climbs out of the folder, or an absolute or remote one', async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        await writeTree(dir, {
          'outside.txt': 'outside-pkg==1\n',
          'project/requirements.txt': [
            '-r ../outside.txt',
            '-r sub/../../outside.txt',
            `-r ${path.join(dir, 'outside.txt')}`,
            '-c https://example.test/constraints.txt',
            '-r file:///etc/passwd',
            'inside==1',
          ].join('\n'),
        });
        const result = await scanFile(path.join(dir, 'project/requirements.txt'));
        assert.deepEqual(
          result.packages.map((p) => p.name),
          ['inside'],
        );
        assert.deepEqual(problemCodes(result), [
          'REQUIREMENTS_INCLUDE_ABSOLUTE@/requirements.txt:3',
          'REQUIREMENTS_INCLUDE_ESCAPES@/requirements.txt:1',
          'REQUIREMENTS_INCLUDE_ESCAPES@/requirements.txt:2',
          'REQUIREMENTS_INCLUDE_URL@/requirements.txt:4',
          'REQUIREMENTS_INCLUDE_URL@/requirements.txt:5',
        ]);
        assert.deepEqual(
          result.installerOptions?.map((o) => o.name),
          ['--requirement', '--requirement', '--requirement', '--constraint', '--requirement'],
        );
      } finally {
        await cleanup();
      }
    });

    it('reports a missing include at the line that names it', async () => {
      const result = await scanFiles({ 'requirements.txt': 'a==1\n-r nope.txt\n' }, 'requirements.txt');
      assert.deepEqual(problemCodes(result), [
        'SBOM_FILE_UNREADABLE@/nope.txt:',
        'REQUIREMENTS_INCLUDE_UNREADABLE@/requirements.txt:2',
      ]);
    });

    it(`stops after ${LIMITS.maxIncludeDepth} nested includes`, async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 40; i++) files[`r${i}.txt`] = `-r r${i + 1}.txt\npkg${i}==1\n`;
      files['r40.txt'] = 'pkg40==1\n';
      const result = await scanFiles(files, 'r0.txt');
      assert.equal(result.packages.length, LIMITS.maxIncludeDepth + 1);
      assert.deepEqual(problemCodes(result), [
        `REQUIREMENTS_INCLUDE_TOO_DEEP@/r${LIMITS.maxIncludeDepth}.txt:1`,
      ]);
    });
  });

  describe('when a folder is scanned', () => {
    it('finds requirements files by name and lists an included file once', async () => {
      const result = await scanFolder({
        'requirements.txt': '-r requirements-base.txt\napp==1\n',
        'requirements-base.txt': 'base==2\n',
        'MANIFEST.in': 'include *.txt\n',
        'venv/lib/python3.11/site-packages/dep/requirements.txt': 'not-installed==1\n',
      });
      assert.deepEqual(
        result.packages.map((p) => p.id),
        ['pypi:app@1:/requirements.txt:2', 'pypi:base@2:/requirements-base.txt:1'],
      );
      assert.deepEqual(result.problems, []);
    });

    it('reports a cycle between two requirements files once, whichever file the scan starts from', async () => {
      const result = await scanFolder({
        'requirements-a.txt': 'a==1\n-r requirements-b.txt\n',
        'requirements-b.txt': '-r requirements-a.txt\nb==1\n',
      });
      assert.deepEqual(
        result.packages.map((p) => p.name),
        ['a', 'b'],
      );
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_INCLUDE_CYCLE@/requirements-b.txt:1']);
    });

    it('leaves a conda explicit spec file to the conda cataloger', async () => {
      const result = await scanFiles(
        {
          'explicit-requirements.txt':
            '# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/python-3.11.9-h.conda\n',
        },
        'explicit-requirements.txt',
      );
      assert.deepEqual(result.packages, []);
      assert.deepEqual(result.problems, []);
    });
  });

  describe('when the input is hostile or broken', () => {
    it('refuses binary garbage with one problem', async () => {
      const bytes = new Uint8Array(4096);
      let x = 12345;
      for (let i = 0; i < bytes.length; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        bytes[i] = x >> 16;
      }
      const result = await scanFiles({ 'requirements.txt': bytes }, 'requirements.txt');
      assert.deepEqual(result.packages, []);
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_BINARY@/requirements.txt:']);
    });

    it('reads Latin-1 text and says it is not UTF-8', async () => {
      const bytes = Buffer.concat([
        Buffer.from('# caf'),
        Buffer.from([0xe9]),
        Buffer.from('\nsix==1.16.0\n'),
      ]);
      const result = await scanFiles({ 'requirements.txt': bytes }, 'requirements.txt');
      assert.deepEqual(
        result.packages.map((p) => p.id),
        ['pypi:six@1.16.0:/requirements.txt:2'],
      );
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_NOT_UTF8@/requirements.txt:']);
    });

    it('reads UTF-16 with a byte-order mark', async () => {
      const text = Buffer.from('\ufeffsix==1.16.0\r\n', 'utf16le');
      const result = await scanFiles({ 'requirements.txt': text }, 'requirements.txt');
      assert.deepEqual(
        result.packages.map((p) => p.name),
        ['six'],
      );
    });

    it('skips a line past the length bound and parses the rest', async () => {
      const long = `${'a'.repeat(LIMITS.maxLineLength + 1)}==1`;
      const result = await scanFiles(
        { 'requirements.txt': `before==1\n${long}\nafter==2\n` },
        'requirements.txt',
      );
      assert.deepEqual(
        result.packages.map((p) => p.name),
        ['after', 'before'],
      );
      assert.deepEqual(problemCodes(result), ['REQUIREMENTS_LINE_TOO_LONG@/requirements.txt:2']);
    });

    it('parses a line just under the bound quickly, whatever it holds', async () => {
      const n = LIMITS.maxLineLength - 100;
      for (const line of [
        `x${'==1,'.repeat(n / 4 - 2)}==1`,
        `x[${'['.repeat(n - 10)}`,
        `x @ ${'/'.repeat(n - 10)}`,
        `-e ${'"'.repeat(n - 10)}`,
        `${'./'.repeat(n / 2 - 5)}x`,
        `x==1 ${'--pre '.repeat(n / 6 - 2)}`,
      ]) {
        const started = performance.now();
        const result = await scanFiles({ 'requirements.txt': `${line}\n` }, 'requirements.txt');
        const ms = performance.now() - started;
        assert.ok(ms < 3000, `${line.slice(0, 20)}… took ${Math.round(ms)} ms`);
        assert.ok(result.problems.length <= 2);
      }
    });

    it(`reads at most ${MAX_LOGICAL_LINES} requirement lines, so a file of millions cannot exhaust memory`, async () => {
      const lines = Array.from({ length: MAX_LOGICAL_LINES + 10 }, (_, i) => `p${i}==1`).join('\n');
      const result = await scanFiles({ 'requirements.txt': lines }, 'requirements.txt');
      assert.equal(result.packages.length, MAX_LOGICAL_LINES);
      assert.deepEqual(problemCodes(result), [
        `REQUIREMENTS_TOO_MANY_LINES@/requirements.txt:${MAX_LOGICAL_LINES + 1}`,
      ]);
    });

    it(`reads at most ${MAX_INCLUDED_FILES} included files`, async () => {
      const files: Record<string, string> = {};
      const top: string[] = [];
      for (let i = 0; i < MAX_INCLUDED_FILES + 3; i++) {
        files[`inc/f${i}.txt`] = `pkg${i}==1\n`;
        top.push(`-r inc/f${i}.txt`);
      }
      files['requirements.txt'] = top.join('\n');
      const result = await scanFiles(files, 'requirements.txt');
      assert.equal(result.packages.length, MAX_INCLUDED_FILES);
      assert.deepEqual(problemCodes(result), [
        `REQUIREMENTS_INCLUDE_TOO_MANY@/requirements.txt:${MAX_INCLUDED_FILES + 1}`,
        `REQUIREMENTS_INCLUDE_TOO_MANY@/requirements.txt:${MAX_INCLUDED_FILES + 2}`,
        `REQUIREMENTS_INCLUDE_TOO_MANY@/requirements.txt:${MAX_INCLUDED_FILES + 3}`,
      ]);
    });

    it('caps the problems one file can report', async () => {
      const garbage = Array.from({ length: 500 }, (_, i) => `==${i}`).join('\n');
      const result = await scanFiles({ 'requirements.txt': garbage }, 'requirements.txt');
      assert.equal(result.problems.length, 51);
      assert.equal(result.problems.at(-1)!.code, 'REQUIREMENTS_TOO_MANY_PROBLEMS');
    });

    it('never reads a 2 GB file whole: the reader refuses it as too large', async function () {
      this.timeout(20_000);
      const { dir, cleanup } = await makeTempDir();
      try {
        await writeTree(dir, { 'requirements.txt': 'a==1\n-r huge-requirements.txt\n' });
        for (const name of ['huge-requirements.txt', 'requirements-huge.txt']) {
          const handle = await open(path.join(dir, name), 'w');
          await handle.truncate(2 * 1024 ** 3);
          await handle.close();
        }
        const single = await scanFile(path.join(dir, 'requirements-huge.txt'));
        assert.deepEqual(problemCodes(single), ['SBOM_FILE_TOO_LARGE@/requirements-huge.txt:']);
        const included = await scanFile(path.join(dir, 'requirements.txt'));
        assert.deepEqual(
          included.packages.map((p) => p.name),
          ['a'],
        );
        assert.deepEqual(problemCodes(included), [
          'SBOM_FILE_TOO_LARGE@/huge-requirements.txt:',
          'REQUIREMENTS_INCLUDE_UNREADABLE@/requirements.txt:2',
        ]);
      } finally {
        await cleanup();
      }
    });
  });
});
