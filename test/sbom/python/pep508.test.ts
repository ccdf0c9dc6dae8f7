import assert from 'node:assert/strict';
import { evaluateMarker, parseMarker } from '../../../src/sbom/python/markers.ts';
import { parseRequirement, pinnedVersion, RequirementSyntaxError } from '../../../src/sbom/python/pep508.ts';

describe('parseRequirement', () => {
  it('parses name, extras, clauses and marker', () => {
    const r = parseRequirement(
      'Uvicorn[Standard, http2] >=0.20 , <1; python_version < "3.12" and extra == "serve"',
    );
    assert.equal(r.name, 'uvicorn');
    assert.equal(r.rawName, 'Uvicorn');
    assert.deepEqual(r.extras, ['standard', 'http2']);
    assert.equal(r.specifier, '>=0.20,<1');
    assert.equal(r.markerText, 'python_version < "3.12" and extra == "serve"');
  });

  it('parses parenthesised specifiers from old metadata', () => {
    const r = parseRequirement('six (>=1.5)');
    assert.equal(r.specifier, '>=1.5');
  });

  it('parses direct references and keeps a glued semicolon in the URL', () => {
    const r = parseRequirement('pip @ https://example.com/pip.whl#sha256=abc ; python_version >= "3"');
    assert.equal(r.url, 'https://example.com/pip.whl#sha256=abc');
    assert.ok(r.marker);
  });

  it('normalises names (PEP 503)', () => {
    assert.equal(parseRequirement('Typing_Extensions.Foo==1').name, 'typing-extensions-foo');
  });

  it('reports the exact pin only for == without wildcard and ===', () => {
    assert.equal(pinnedVersion(parseRequirement('a==1.2.3').clauses), '1.2.3');
    assert.equal(pinnedVersion(parseRequirement('a===1.2.3').clauses), '1.2.3');
    assert.equal(pinnedVersion(parseRequirement('a==1.2.*').clauses), undefined);
    assert.equal(pinnedVersion(parseRequirement('a>=1').clauses), undefined);
    assert.equal(pinnedVersion(parseRequirement('a==1,<2').clauses), undefined);
  });

  for (const bad of ['', '-foo', 'foo[bar', 'foo ==', 'foo; os_name ==', 'foo; bogus == "1"', 'foo (>=1']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseRequirement(bad), RequirementSyntaxError);
    });
  }
});

describe('evaluateMarker', () => {
  const env = {
    values: {
      python_version: '3.11',
      python_full_version: '3.11.7',
      sys_platform: 'linux',
      os_name: 'posix',
    },
    extras: new Set(['data']),
  };
  const cases: [string, boolean | undefined][] = [
    ['python_version < "3.12"', true],
    ['python_version >= "3.12"', false],
    ['python_full_version >= "3.11.7"', true],
    ['sys_platform == "linux" and extra == "data"', true],
    ['sys_platform != "darwin" and extra == "cgraph"', false],
    ['extra == "serve" or python_version < "3.14"', true],
    ['platform_machine == "x86_64"', undefined],
    ['platform_machine == "x86_64" and sys_platform == "win32"', false],
    ['platform_machine == "x86_64" or sys_platform == "linux"', true],
    ['"linux" in sys_platform', true],
    ['os_name not in "nt,java"', true],
    ["(python_version < '3.9') or (python_version > '3.10')", true],
    ['sys.platform == "linux"', true],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${String(expected)}`, () => {
      assert.equal(evaluateMarker(parseMarker(text), env), expected);
    });
  }

  it('evaluates PEP 751 set-valued markers', () => {
    const m = parseMarker('"dev" in dependency_groups');
    assert.equal(evaluateMarker(m, { values: {}, dependencyGroups: new Set(['dev']) }), true);
    assert.equal(evaluateMarker(m, { values: {}, dependencyGroups: new Set() }), false);
  });
});

describe('hostile markers', () => {
  it('rejects a marker of 50,000 and-chained clauses instead of overflowing the stack', () => {
    const marker = Array.from({ length: 50_000 }, () => 'os_name == "posix"').join(' and ');
    assert.throws(() => parseRequirement(`a; ${marker}`), RequirementSyntaxError);
  });
});
