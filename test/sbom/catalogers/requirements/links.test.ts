import assert from 'node:assert/strict';
import {
  editableVcsOf,
  eggFragment,
  fileNameOf,
  fragmentHashes,
  isUrl,
  parseSdistFileName,
  parseVcsUrl,
  parseWheelFileName,
} from '../../../../src/sbom/catalogers/requirements/links.ts';

const SHA = '2504ee61419737e814e2dec2961b15d12775529c';

describe('requirement links', () => {
  it('knows the URL schemes pip fetches, plain and VCS', () => {
    for (const url of [
      'https://h/x.whl',
      'HTTP://h',
      'file:///x',
      'ftp://h',
      'git+https://h/r',
      'git://h/r',
      'svn+ssh://h',
    ]) {
      assert.ok(isUrl(url), url);
    }
    for (const text of ['requests==1', './dist/x.whl', 'hg://h/r', 'git+git@github.com:o/r', 'C']) {
      assert.ok(!isUrl(text), text);
    }
  });

  describe('parseVcsUrl', () => {
    it('takes the revision after the last @ of the path, not of the user-info', () => {
      const ref = parseVcsUrl(`git+ssh://git@github.com/org/repo.git@${SHA}#egg=repo`, 'git');
      assert.deepEqual(ref, {
        vcs: 'git',
        ref: SHA,
        immutable: true,
        vcsUrl: `git+ssh://git@github.com/org/repo.git@${SHA}`,
        repositoryName: 'repo',
      });
    });

    it('calls only full commit ids immutable', () => {
      const sha256 = 'a'.repeat(64);
      assert.equal(parseVcsUrl(`git+https://h/r@${sha256}`, 'git').immutable, true);
      assert.equal(parseVcsUrl('git+https://h/r@v8.0.1.0', 'git').immutable, false);
      assert.equal(parseVcsUrl(`git+https://h/r@${SHA.slice(0, 12)}`, 'git').immutable, false);
      assert.equal(parseVcsUrl('git+https://h/r', 'git').ref, undefined);
      assert.equal(parseVcsUrl('git+https://h/r', 'git').immutable, false);
    });

    it('reads scp-like editable URLs', () => {
      assert.equal(editableVcsOf('git+git@github.com:org/repo.git@main#egg=repo'), 'git');
      const ref = parseVcsUrl('git+git@github.com:org/repo.git@main#egg=repo', 'git');
      assert.equal(ref.ref, 'main');
      assert.equal(ref.repositoryName, 'repo');
    });
  });

  it('reads #egg= and hash fragments', () => {
    assert.equal(eggFragment('git+https://h/r#egg=name&subdirectory=x'), 'name');
    assert.equal(eggFragment('https://h/r.zip'), undefined);
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    assert.deepEqual(fragmentHashes(`https://h/x.whl#md5=${md5.toUpperCase()}&sha256=short`), {
      hashes: [{ algorithm: 'md5', value: md5 }],
      invalid: ['sha256=short'],
    });
  });

  it('names archives from wheel and sdist file names', () => {
    assert.equal(
      fileNameOf(
        'http://wxpython.org/p/wxPython_Phoenix-3.0.3.dev1820%2B49a8884-cp34-none-win_amd64.whl?x=1#f',
      ),
      'wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl',
    );
    assert.deepEqual(parseWheelFileName('numpy-1.9.2-cp34-none-win32.whl'), {
      name: 'numpy',
      version: '1.9.2',
    });
    assert.deepEqual(parseWheelFileName('pkg-1.0-1build-py3-none-any.whl'), { name: 'pkg', version: '1.0' });
    assert.equal(parseWheelFileName('not-a-wheel.whl'), undefined);
    assert.deepEqual(parseSdistFileName('foo-bar-1.0.tar.gz'), { name: 'foo-bar', version: '1.0' });
    assert.equal(parseSdistFileName('1.26.8.zip'), undefined);
  });
});
