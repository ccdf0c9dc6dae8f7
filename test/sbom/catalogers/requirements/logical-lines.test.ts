import assert from 'node:assert/strict';
import { splitLogicalLines } from '../../../../src/sbom/catalogers/requirements/logical-lines.ts';

const lines = (text: string, max = 1000) =>
  splitLogicalLines(text, max).lines.map((l) => [l.line, l.text] as const);

describe('splitLogicalLines', () => {
  describe('when the file has comments', () => {
    it('drops whole-line comments and comments after whitespace', () => {
      assert.deepEqual(lines('# top\nrequests==1.0 # pinned\n  # indented\nsix==1.2\t#tab\n'), [
        [2, 'requests==1.0'],
        [4, 'six==1.2'],
      ]);
    });

    it('keeps a # glued to text, as in URL fragments', () => {
      assert.deepEqual(
        lines('https://x.test/a.whl#sha256=ab\nfoo @ git+https://h/r#egg=foo&subdirectory=s\n'),
        [
          [1, 'https://x.test/a.whl#sha256=ab'],
          [2, 'foo @ git+https://h/r#egg=foo&subdirectory=s'],
        ],
      );
    });
  });

  describe('when lines end in a backslash', () => {
    it('joins them and numbers the result by its first line', () => {
      assert.deepEqual(lines('a\npkg==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\nnext\n'), [
        [1, 'a'],
        [2, 'pkg==1.0     --hash=sha256:aa     --hash=sha256:bb'],
        [5, 'next'],
      ]);
    });

    it('ends a continuation at a comment line, which is not itself continued', () => {
      assert.deepEqual(lines('pkg==1 \\\n# comment \\\nother==2\n'), [
        [1, 'pkg==1'],
        [3, 'other==2'],
      ]);
    });

    it('keeps a backslash followed by spaces, as pip does', () => {
      assert.deepEqual(lines('pkg==1 \\  \nother\n'), [
        [1, 'pkg==1 \\'],
        [2, 'other'],
      ]);
    });

    it('accepts a continuation on the last line', () => {
      assert.deepEqual(lines('pkg1==1.0 \\'), [[1, 'pkg1==1.0']]);
    });
  });

  describe('when line breaks are not \\n', () => {
    it("splits like Python's str.splitlines", () => {
      assert.deepEqual(lines('a\r\nb\rc\u2028d\fe'), [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
        [4, 'd'],
        [5, 'e'],
      ]);
    });
  });

  describe('when a line uses environment variables', () => {
    it('names them and leaves them unexpanded', () => {
      const [line] = splitLogicalLines(
        '--index-url https://${USER}:${TOKEN}@h/simple ${lower}\n',
        1000,
      ).lines;
      assert.equal(line!.text, '--index-url https://${USER}:${TOKEN}@h/simple ${lower}');
      assert.deepEqual(line!.envVars, ['USER', 'TOKEN']);
    });
  });

  describe('when a line is longer than the bound', () => {
    it('drops it and reports its number, also for joined lines', () => {
      const long = 'x'.repeat(50);
      const result = splitLogicalLines(`ok\n${long}\n${'y'.repeat(30)} \\\n${'z'.repeat(30)}\nlast\n`, 40);
      assert.deepEqual(
        result.lines.map((l) => l.text),
        ['ok', 'last'],
      );
      assert.deepEqual(result.tooLong, [2, 3]);
    });

    it('stops after the number of logical lines asked for and says where', () => {
      const result = splitLogicalLines('# c\na\n\nb\nc\nd\n', 100, 2);
      assert.deepEqual(
        result.lines.map((l) => l.text),
        ['a', 'b'],
      );
      assert.equal(result.truncatedAt, 5);
    });

    it('stays linear on a megabyte of whitespace, backslashes or hashes', () => {
      for (const ch of [' ', '\\', '#', ' #']) {
        const text = `${ch.repeat(1_000_000)}x\n`;
        const started = performance.now();
        splitLogicalLines(text, 1024 * 1024);
        assert.ok(performance.now() - started < 2000, `slow on ${JSON.stringify(ch)}`);
      }
    });
  });
});
