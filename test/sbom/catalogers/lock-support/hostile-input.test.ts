import assert from 'node:assert/strict';
import type { Cataloger } from '../../../../src/sbom/catalogers/cataloger.ts';
import { condaEnvironmentCataloger } from '../../../../src/sbom/catalogers/conda-environment/cataloger.ts';
import { condaExplicitCataloger } from '../../../../src/sbom/catalogers/conda-explicit/cataloger.ts';
import { LOCK_LIMITS } from '../../../../src/sbom/catalogers/lock-support/limits.ts';
import { pipReportCataloger } from '../../../../src/sbom/catalogers/pip-report/cataloger.ts';
import { pipfileLockCataloger } from '../../../../src/sbom/catalogers/pipfile-lock/cataloger.ts';
import { poetryLockCataloger } from '../../../../src/sbom/catalogers/poetry-lock/cataloger.ts';
import { pylockCataloger } from '../../../../src/sbom/catalogers/pylock/cataloger.ts';
import { uvLockCataloger } from '../../../../src/sbom/catalogers/uv-lock/cataloger.ts';
import { nameVersions, parseText, problemCodes } from './parse-fixture.ts';

/** Each cataloger with its conventional file name. */
const ALL: [Cataloger, string][] = [
  [uvLockCataloger, '/uv.lock'],
  [poetryLockCataloger, '/poetry.lock'],
  [pipfileLockCataloger, '/Pipfile.lock'],
  [pylockCataloger, '/pylock.toml'],
  [pipReportCataloger, '/pip-report.json'],
  [condaEnvironmentCataloger, '/environment.yml'],
  [condaExplicitCataloger, '/spec-file.txt'],
];

describe('lock and environment catalogers on hostile or broken input', () => {
  describe('when a file is empty, binary or not UTF-8', () => {
    it('reports an empty file (or one of only blanks) under every conventional name', async () => {
      for (const [cataloger, path] of ALL) {
        for (const text of ['', '\n\n  \n']) {
          assert.deepEqual(problemCodes(await parseText(cataloger, text, path)), ['LOCK_FILE_EMPTY'], path);
        }
      }
    });

    it('refuses binary garbage', async () => {
      const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
      for (const [cataloger, path] of ALL) {
        const result = await parseText(cataloger, garbage, path);
        assert.deepEqual(problemCodes(result), ['LOCK_FILE_BINARY'], path);
        assert.deepEqual(result.packages, []);
      }
    });

    it('reads Latin-1 text with a warning', async () => {
      const text = Buffer.from(
        'version = 1\n\n[[package]]\nname = "caf"\nversion = "1.0"\n# caf\xe9\n',
        'latin1',
      );
      const result = await parseText(uvLockCataloger, new Uint8Array(text), '/uv.lock');
      assert.deepEqual(nameVersions(result), ['caf@1.0']);
      assert.deepEqual(problemCodes(result), ['LOCK_FILE_NOT_UTF8']);
    });
  });

  describe('when TOML is malformed', () => {
    it('reports LOCK_TOML_INVALID with the line the parser names', async () => {
      const text = 'version = 1\n\n[[package]]\nname = "a"\nversion = \n';
      for (const [cataloger, path] of [
        [uvLockCataloger, '/uv.lock'],
        [poetryLockCataloger, '/poetry.lock'],
        [pylockCataloger, '/pylock.toml'],
      ] as const) {
        const result = await parseText(cataloger, text, path);
        assert.deepEqual(problemCodes(result), ['LOCK_TOML_INVALID@5'], path);
        assert.match(result.problems[0]!.message, /line 5/);
      }
    });

    it('refuses inline nesting deeper than the bound', async () => {
      const deep = `version = 1\nx = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
      assert.deepEqual(problemCodes(await parseText(uvLockCataloger, deep, '/uv.lock')), [
        'LOCK_TOML_INVALID@2',
      ]);
    });
  });

  describe('when fields have the wrong types', () => {
    it('keeps a uv package whose version is a number or an array, without a version, and says so', async () => {
      const text = [
        'version = 1',
        '[[package]]',
        'name = "a"',
        'version = 1.0',
        '[[package]]',
        'name = "b"',
        'version = ["2"]',
        'dependencies = "a"',
        '[[package]]',
        'name = 7',
        '[[package]]',
        'version = "1"',
      ].join('\n');
      const result = await parseText(uvLockCataloger, text, '/uv.lock');
      assert.deepEqual(nameVersions(result), ['a@*', 'b@*']);
      assert.deepEqual(problemCodes(result), [
        'LOCK_FIELD_INVALID@2',
        'LOCK_FIELD_INVALID@5',
        'LOCK_FIELD_INVALID@5',
        'LOCK_ENTRY_INVALID@9',
        'LOCK_ENTRY_INVALID@11',
      ]);
    });

    it('reports a package key that is not an array of tables', async () => {
      assert.deepEqual(
        problemCodes(await parseText(uvLockCataloger, 'version = 1\npackage = "x"\n', '/uv.lock')),
        ['LOCK_STRUCTURE_INVALID'],
      );
      assert.deepEqual(
        problemCodes(await parseText(poetryLockCataloger, '[package]\nname = "x"\n', '/poetry.lock')),
        ['LOCK_STRUCTURE_INVALID'],
      );
      assert.deepEqual(problemCodes(await parseText(pipfileLockCataloger, '[1, 2]', '/Pipfile.lock')), [
        'LOCK_STRUCTURE_INVALID',
      ]);
      assert.deepEqual(
        problemCodes(await parseText(condaEnvironmentCataloger, '- a\n- b\n', '/environment.yml')),
        ['LOCK_STRUCTURE_INVALID'],
      );
    });

    it('skips a poetry entry whose version is not a string and a Pipfile.lock entry that is not an object', async () => {
      const poetry = await parseText(
        poetryLockCataloger,
        '[[package]]\nname = "a"\nversion = 2\n',
        '/poetry.lock',
      );
      assert.deepEqual(problemCodes(poetry), ['LOCK_ENTRY_INVALID@1']);
      const pipfile = await parseText(
        pipfileLockCataloger,
        '{"default": {"a": "==1.0", "b": {"version": 1}}}',
        '/Pipfile.lock',
      );
      assert.deepEqual(nameVersions(pipfile), ['b@*']);
      assert.deepEqual(problemCodes(pipfile), ['LOCK_ENTRY_INVALID', 'LOCK_FIELD_INVALID@1']);
    });

    it('drops __proto__ keys instead of polluting prototypes', async () => {
      const json = await parseText(
        pipfileLockCataloger,
        '{"default": {"__proto__": {"polluted": true}, "a": {"version": "==1"}}}',
        '/Pipfile.lock',
      );
      assert.deepEqual(nameVersions(json), ['a@1']);
      const toml = await parseText(
        uvLockCataloger,
        'version = 1\n[__proto__]\npolluted = true\n',
        '/uv.lock',
      );
      assert.deepEqual(toml.problems, []);
      assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    });
  });

  describe('when YAML is hostile', () => {
    it('stops an alias bomb quickly', async () => {
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
      }
      lines.push('dependencies: *i');
      const started = performance.now();
      const result = await parseText(condaEnvironmentCataloger, lines.join('\n'), '/environment.yml');
      assert.deepEqual(problemCodes(result), ['LOCK_YAML_ALIAS_LIMIT']);
      assert.ok(performance.now() - started < 2000);
    });

    it('refuses language tags and constructs nothing', async () => {
      const text = 'name: x\ndependencies:\n  - numpy\n  - !!python/object/apply:os.system ["touch pwned"]\n';
      const result = await parseText(condaEnvironmentCataloger, text, '/environment.yml');
      assert.deepEqual(problemCodes(result), ['LOCK_YAML_TAG_UNSUPPORTED@4']);
      assert.deepEqual(result.packages, []);
      const custom = await parseText(
        condaEnvironmentCataloger,
        'dependencies: !!python/name:os.system\n',
        '/environment.yml',
      );
      assert.deepEqual(problemCodes(custom), ['LOCK_YAML_TAG_UNSUPPORTED@1']);
    });

    it('reports malformed YAML with its line and duplicate keys', async () => {
      const broken = await parseText(
        condaEnvironmentCataloger,
        'dependencies:\n  - a\n   - b: [\n',
        '/environment.yml',
      );
      assert.equal(problemCodes(broken)[0]!.split('@')[0], 'LOCK_YAML_INVALID');
      assert.ok(broken.problems[0]!.line !== undefined);
      const dup = await parseText(
        condaEnvironmentCataloger,
        'dependencies: [a]\ndependencies: [b]\n',
        '/environment.yml',
      );
      assert.deepEqual(problemCodes(dup), ['LOCK_YAML_INVALID@2']);
    });
  });

  describe('when a file holds more entries than the bound', () => {
    it('reads the first entries and reports the rest', async function () {
      this.timeout(60_000);
      const entries = LOCK_LIMITS.maxEntries + 5;
      const parts = ['lock-version = "1.0"', 'created-by = "x"'];
      for (let i = 0; i < entries; i++) parts.push(`[[packages]]\nname = "p${i}"\nversion = "1"`);
      const result = await parseText(pylockCataloger, parts.join('\n'), '/pylock.toml');
      assert.equal(result.packages.length, LOCK_LIMITS.maxEntries);
      assert.deepEqual(problemCodes(result), ['LOCK_TOO_MANY_ENTRIES']);
    });
  });

  describe('when one name is locked thousands of times and everything depends on it', () => {
    it('stays linear: ambiguous dependencies are reported (a bounded number of times), not multiplied', async function () {
      this.timeout(60_000);
      const parts = ['version = 1'];
      for (let i = 0; i < 20_000; i++) {
        parts.push(
          `[[package]]\nname = "x"\nversion = "${i}"\ndependencies = [{ name = "x" }, { name = "x", version = "${(i + 1) % 20_000}" }]`,
        );
      }
      const started = performance.now();
      const result = await parseText(uvLockCataloger, parts.join('\n'), '/uv.lock');
      assert.ok(performance.now() - started < 20_000);
      assert.equal(result.packages.length, 20_000);
      // Versioned entries still resolve exactly: a ring of 20,000 edges.
      assert.equal(result.relationships.length, 20_000);
      const codes = problemCodes(result).map((c) => c.split('@')[0]);
      assert.equal(codes.length, 101);
      assert.ok(codes.every((c) => c === 'LOCK_DEPENDENCY_UNRESOLVED'));
      assert.match(result.problems[100]!.message, /more than 100 LOCK_DEPENDENCY_UNRESOLVED problems/);
    });
  });

  describe('when JSON is nested a million levels deep', () => {
    it('reports the item instead of crashing', async () => {
      const depth = 1_000_000;
      const text = `{"version": "1", "pip_version": "24", "install": [${'['.repeat(depth)}${']'.repeat(depth)}]}`;
      assert.deepEqual(problemCodes(await parseText(pipReportCataloger, text, '/pip-report.json')), [
        'LOCK_ENTRY_INVALID',
      ]);
    });
  });

  describe('when garbage of every shape is thrown at every cataloger', () => {
    it('never throws and only reports known problem codes', async () => {
      const samples = [
        '{',
        '[]',
        'null',
        '"x"',
        '{"_meta": 5, "default": [], "develop": {"x": null}}',
        '{"version": "1", "install": [null, 1, {"metadata": null}, {"metadata": {"name": "a", "version": "1", "requires_dist": [5, "b ; extra ==", "c[x]>=1"]}, "download_info": {"url": 5, "archive_info": []}}]}',
        'version = 1\n[[package]]\nname = "a"\nsource = 5\nsdist = "x"\nwheels = {}\n[package.optional-dependencies]\nx = 7\n',
        '[[package]]\nname = "a"\nversion = "1"\nfiles = "x"\ndependencies = []\nextras = 3\nsource = { type = "git" }\n[metadata]\nfiles = 5\n',
        'lock-version = "1.0"\npackages = [{ name = "a", vcs = 5, directory = [], wheels = "x", sdist = 1, dependencies = 2 }]\n',
        'dependencies:\n  - pip: [1, {a: b}, "-e", "--hash", "./x.whl", "https://h/x-1.0.tar.gz"]\nchannels: 5\n',
        '@EXPLICIT\nhttps://x/linux-64/a-1-0.conda#\n::::\n',
        '\u0000\u0001',
      ];
      const known = /^(LOCK_|CONDA_)[A-Z_]+$/;
      for (const [cataloger, path] of ALL) {
        for (const sample of samples) {
          const result = await parseText(cataloger, sample, path);
          for (const p of result.problems) assert.match(p.code, known, `${path}: ${sample.slice(0, 30)}`);
        }
      }
    });
  });
});
