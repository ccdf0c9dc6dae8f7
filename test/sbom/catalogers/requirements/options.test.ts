import assert from 'node:assert/strict';
import { parseOptionWords } from '../../../../src/sbom/catalogers/requirements/options.ts';
import { splitShellWords } from '../../../../src/sbom/catalogers/requirements/shell-words.ts';

const words = (text: string) => {
  const result = splitShellWords(text);
  if ('error' in result) throw new Error(result.error);
  return result.words;
};

describe('splitShellWords', () => {
  it('splits on whitespace and honours quotes and escapes like shlex.split', () => {
    assert.deepEqual(words(`--config-settings "a=b c" --x='d e' f\\ g "" h"i"j`), [
      '--config-settings',
      'a=b c',
      '--x=d e',
      'f g',
      '',
      'hij',
    ]);
  });

  it('keeps a backslash inside double quotes unless it escapes a quote or backslash', () => {
    assert.deepEqual(words(String.raw`"a\b" "c\"d" "e\\f"`), [String.raw`a\b`, 'c"d', String.raw`e\f`]);
  });

  describe('when quoting is broken', () => {
    for (const bad of [`"open`, `'open`, 'trailing\\']) {
      it(`reports an error for ${bad}`, () => {
        assert.ok('error' in splitShellWords(bad));
      });
    }
  });
});

describe('parseOptionWords', () => {
  it('reads long options with = or a separate value, and flags', () => {
    const parsed = parseOptionWords(['--index-url=https://a', '--extra-index-url', 'https://b', '--pre']);
    assert.deepEqual(parsed.options, [
      { key: 'index-url', value: 'https://a' },
      { key: 'extra-index-url', value: 'https://b' },
      { key: 'pre' },
    ]);
    assert.equal(parsed.error, undefined);
  });

  it('reads short options with the value glued or separate', () => {
    assert.deepEqual(
      parseOptionWords(['-rbase.txt', '-c', 'c.txt', '-i', 'https://i', '-C', 'k=v']).options,
      [
        { key: 'requirement', value: 'base.txt' },
        { key: 'constraint', value: 'c.txt' },
        { key: 'index-url', value: 'https://i' },
        { key: 'config-settings', value: 'k=v' },
      ],
    );
  });

  it('accepts unique prefixes of long options and the --pypi-url alias, like optparse', () => {
    assert.deepEqual(parseOptionWords(['--extra-index', 'u', '--trusted', 'h', '--pypi-url', 'p']).options, [
      { key: 'extra-index-url', value: 'u' },
      { key: 'trusted-host', value: 'h' },
      { key: 'index-url', value: 'p' },
    ]);
  });

  it('reads -foo==1.0 as -f with the value oo==1.0, as pip does', () => {
    assert.deepEqual(parseOptionWords(['-foo==1.0']).options, [{ key: 'find-links', value: 'oo==1.0' }]);
  });

  it('drops words that are not options, and everything after --', () => {
    const parsed = parseOptionWords(['--hash=sha256:aa', 'stray', '--', '--pre']);
    assert.deepEqual(parsed.options, [{ key: 'hash', value: 'sha256:aa' }]);
    assert.deepEqual(parsed.ignored, ['stray', '--pre']);
  });

  describe('when an option is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['--no-such'], /no such option: --no-such/],
      [['-x'], /no such option: -x/],
      [['--no'], /ambiguous option: --no/],
      [['--hash'], /needs a value/],
      [['-r'], /needs a value/],
      [['--pre=yes'], /takes no value/],
    ];
    for (const [input, message] of cases) {
      it(`reports ${input.join(' ')}`, () => {
        assert.match(parseOptionWords(input).error ?? '', message);
      });
    }
  });
});
