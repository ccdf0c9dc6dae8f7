import assert from 'node:assert/strict';
import { parseDirectUrl } from '../../../src/sbom/python/direct-url.ts';
import { requiresTxtToRequirements } from '../../../src/sbom/python/egg-requires.ts';

describe('parseDirectUrl (PEP 610)', () => {
  it('reads a VCS install', () => {
    const parsed = parseDirectUrl(
      '{"url": "https://github.com/python-test/test.git", "vcs_info": {"commit_id": "aaaa", "vcs": "git", "requested_revision": "main"}}',
    );
    assert.deepEqual(parsed, {
      directUrl: {
        url: 'https://github.com/python-test/test.git',
        kind: 'vcs',
        vcs: { vcs: 'git', commitId: 'aaaa', requestedRevision: 'main' },
      },
      hashes: [],
    });
  });
  it('reads archive hashes in both the new and the deprecated form', () => {
    const hex = 'a'.repeat(64);
    const modern = parseDirectUrl(
      `{"url": "https://x/p.whl", "archive_info": {"hashes": {"sha256": "${hex}"}}}`,
    );
    const legacy = parseDirectUrl(`{"url": "https://x/p.whl", "archive_info": {"hash": "sha256=${hex}"}}`);
    for (const parsed of [modern, legacy]) {
      assert.deepEqual(parsed!.hashes, [{ algorithm: 'sha256', value: hex }]);
      assert.equal(parsed!.directUrl.archiveHash, `sha256=${hex}`);
    }
  });
  it('reads an editable local install and drops credentials from URLs', () => {
    assert.deepEqual(
      parseDirectUrl('{"url": "file:///src/app", "dir_info": {"editable": true}}')!.directUrl,
      {
        url: 'file:///src/app',
        kind: 'dir',
        editable: true,
      },
    );
    const parsed = parseDirectUrl('{"url": "https://user:s3cret@example.com/p.whl", "archive_info": {}}');
    assert.equal(parsed!.directUrl.url, 'https://example.com/p.whl');
    assert.equal(
      parseDirectUrl('{"url": "ssh://git@github.com/a/b", "vcs_info": {"vcs": "git"}}')!.directUrl.url,
      'ssh://git@github.com/a/b',
    );
  });
  it('rejects documents that are not PEP 610', () => {
    assert.equal(parseDirectUrl('not json'), undefined);
    assert.equal(parseDirectUrl('{"url": 3}'), undefined);
    assert.equal(parseDirectUrl('{"url": "https://x"}'), undefined);
  });
});

describe('requiresTxtToRequirements', () => {
  it('folds [extra] and [extra:marker] sections into markers', () => {
    const text =
      'six\n\n[crypto]\ncryptography>=3.4.0\n\n[dev:python_version < "3.8"]\nmock\n[:sys_platform == "win32"]\npywin32\n';
    assert.deepEqual(requiresTxtToRequirements(text), [
      'six',
      'cryptography>=3.4.0; extra == "crypto"',
      'mock; (python_version < "3.8") and extra == "dev"',
      'pywin32; (sys_platform == "win32")',
    ]);
  });
});
