import assert from 'node:assert/strict';
import { checkPolicy } from '../../src/policy/policy-parse.ts';
import { POLICY_YAML_LIMITS, readYamlTree } from '../../src/policy/yaml-tree.ts';

function problems(text: string, limits = {}): string[] {
  const { tree, problems } = readYamlTree(text, limits);
  assert.equal(tree, undefined, 'expected the YAML to be refused');
  return problems.map((p) => `${p.line}:${p.column} ${p.message} (${p.code})`);
}

describe('readYamlTree', () => {
  describe('when keys repeat', () => {
    it('reports every duplicate with where the key was first written', () => {
      assert.deepEqual(problems('name: a\nrules:\n  - {id: x, id: y}\nname: b\n'), [
        "3:13 duplicate key 'id' (first written at line 3, column 6) (POLICY_YAML_DUPLICATE_KEY)",
        "4:1 duplicate key 'name' (first written at line 1, column 1) (POLICY_YAML_DUPLICATE_KEY)",
      ]);
    });
  });

  describe('when the document carries tags', () => {
    it('refuses custom and language tags, accepts core ones', () => {
      assert.deepEqual(problems('a: !!python/object/apply:os.system ["id"]\nb: !Ref x\n'), [
        '1:4 the tag !!python/object/apply:os.system is not allowed: policies are plain data (POLICY_YAML_TAG)',
        '2:4 the tag !Ref is not allowed: policies are plain data (POLICY_YAML_TAG)',
      ]);
      assert.deepEqual(readYamlTree('a: !!str 5\nb: !!int "7"\n').tree?.value, { a: '5', b: 7 });
    });
  });

  describe('when aliases expand', () => {
    it('stops an alias bomb at the node budget, naming the line', () => {
      const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
      }
      const bomb = `${levels.join('\n')}\n`;
      const [problem] = problems(bomb);
      assert.match(
        problem!,
        /^5:\d+ more than 100000 YAML nodes once aliases are expanded \(an alias bomb\?\) \(POLICY_YAML_TOO_LARGE\)$/,
      );
    });

    it('accepts a few aliases and shares what they point to', () => {
      const { tree } = readYamlTree('base: &b {kinds: [image]}\nx: *b\ny: *b\n');
      assert.deepEqual(tree?.value, {
        base: { kinds: ['image'] },
        x: { kinds: ['image'] },
        y: { kinds: ['image'] },
      });
    });

    it('refuses more aliases than allowed', () => {
      const text = `a: &a 1\nb: [${Array(POLICY_YAML_LIMITS.maxAliases + 1)
        .fill('*a')
        .join(', ')}]\n`;
      assert.match(problems(text)[0]!, /^2:\d+ more than 1000 aliases \(POLICY_YAML_ALIASES\)$/);
    });

    it('refuses an alias to an unknown anchor', () => {
      assert.deepEqual(problems('a: *nowhere\n'), [
        '1:4 the alias *nowhere names no anchor (POLICY_YAML_ALIAS)',
      ]);
    });
  });

  describe('when the file is too large, too deep or malformed', () => {
    it('refuses a file over the size bound before parsing it', () => {
      const huge = `description: "${'x'.repeat(POLICY_YAML_LIMITS.maxBytes)}"\n`;
      const started = Date.now();
      assert.deepEqual(problems(huge), [
        `1:1 the file is ${huge.length} bytes; a policy may be at most 1048576 (POLICY_TOO_LARGE)`,
      ]);
      assert.ok(Date.now() - started < 200);
    });

    it('refuses nesting deeper than the bound', () => {
      const deep = `${'['.repeat(70)}1${']'.repeat(70)}\n`;
      assert.match(problems(deep)[0]!, /^1:\d+ nesting deeper than 64 levels \(POLICY_YAML_TOO_DEEP\)$/);
    });

    it('reports syntax errors, several documents, an empty file, non-string keys and infinities', () => {
      assert.match(problems('a: [1, 2\n')[0]!, /\(POLICY_YAML_SYNTAX\)$/);
      assert.match(problems('a: 1\n---\nb: 2\n')[0]!, /^2:1 .* \(POLICY_YAML_SYNTAX\)$/);
      assert.deepEqual(problems('# nothing\n'), ['1:1 the file holds no policy (POLICY_EMPTY)']);
      assert.deepEqual(problems('[a]: 1\n'), ['1:1 keys must be plain strings (POLICY_YAML_KEY)']);
      assert.deepEqual(problems('a: .inf\n'), ['1:4 numbers must be finite (POLICY_YAML_NUMBER)']);
    });

    it('keeps __proto__ as data, never as a prototype', () => {
      const { tree } = readYamlTree('__proto__: {polluted: true}\n');
      const value = tree!.value as Record<string, unknown>;
      assert.ok(Object.prototype.hasOwnProperty.call(value, '__proto__'));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      // The schema then refuses it as an unknown key.
      assert.equal(
        checkPolicy('__proto__: {}\napiVersion: raygate.dev/policy/v1\nname: t\nrules: []\n').problems[0]!
          .code,
        'POLICY_SCHEMA',
      );
    });

    it('reads YAML 1.2: yes is a string and dates stay strings', () => {
      assert.deepEqual(readYamlTree('a: yes\nb: 2026-12-31\nc: 0o17\n').tree?.value, {
        a: 'yes',
        b: '2026-12-31',
        c: 15,
      });
    });
  });
});
