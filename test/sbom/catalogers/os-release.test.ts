import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { osReleaseCataloger } from '../../../src/sbom/catalogers/os-release/cataloger.ts';
import { parseOsRelease } from '../../../src/sbom/catalogers/os-release/parse-os-release.ts';
import { REPO_ROOT } from '../../support/run-cli.ts';

describe('os-release', () => {
  describe('when parsing real files', () => {
    it('reads Debian 12', () => {
      const text = readFileSync(
        path.join(REPO_ROOT, 'test/fixtures/sbom/dpkg/debian12/etc/os-release'),
        'utf8',
      );
      assert.deepEqual(parseOsRelease(text), {
        id: 'debian',
        idLike: [],
        versionId: '12',
        versionCodename: 'bookworm',
        prettyName: 'Debian GNU/Linux 12 (bookworm)',
        name: 'Debian GNU/Linux',
      });
    });

    it('handles quotes, escapes, comments and ID_LIKE', () => {
      const release = parseOsRelease(
        '# c\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu \\"Jammy\\""\nNAME=\'Ubuntu\'\n',
      );
      assert.equal(release?.versionId, '22.04');
      assert.equal(release?.prettyName, 'Ubuntu "Jammy"');
      assert.deepEqual(release?.idLike, ['debian']);
    });
  });

  describe('when both /etc/os-release and /usr/lib/os-release exist', () => {
    it('reports the operating system once, from /etc/os-release', async () => {
      const bytes = Buffer.from('ID=debian\nVERSION_ID=12\n');
      const context = { exists: (p: string) => p === '/etc/os-release', read: async () => bytes };
      const fromUsr = await osReleaseCataloger.parse({ path: '/usr/lib/os-release', bytes }, context);
      const fromEtc = await osReleaseCataloger.parse(
        { path: '/etc/os-release', bytes, layer: 'sha256:x' },
        context,
      );
      assert.equal(fromUsr.packages.length, 0);
      assert.deepEqual(
        fromEtc.packages.map((p) => [p.ecosystem, p.name, p.version, p.locations[0]!.layer]),
        [['os', 'debian', '12', 'sha256:x']],
      );
    });

    it('turns an empty file into a problem', async () => {
      const result = await osReleaseCataloger.parse(
        { path: '/etc/os-release', bytes: Buffer.from('\n') },
        { exists: () => false, read: async () => undefined },
      );
      assert.deepEqual(
        result.problems.map((p) => p.code),
        ['SBOM_OS_RELEASE_INVALID'],
      );
    });
  });
});
