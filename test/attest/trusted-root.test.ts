import assert from 'node:assert/strict';
import { parseTrustedRoot } from '../../src/attest/trusted-root.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { PUBLIC_GOOD, readJson } from './fixtures.ts';

type Root = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function edited(edit: (root: Root) => void): Root {
  const root = readJson(PUBLIC_GOOD) as Root;
  edit(root);
  return root;
}

describe('parseTrustedRoot', () => {
  it('reads the public-good trusted root', () => {
    const root = parseTrustedRoot(readJson(PUBLIC_GOOD));
    assert.ok(root.certificateAuthorities.length >= 2);
    assert.ok(root.tlogs.length >= 1);
  });

  describe('when a key or authority has no start of validity', () => {
    const cases: [string, (root: Root) => void][] = [
      ['a transparency log key', (r) => delete r.tlogs[0].publicKey.validFor.start],
      ['a CT log key', (r) => delete r.ctlogs[0].publicKey.validFor],
      ['a certificate authority', (r) => delete r.certificateAuthorities[0].validFor.start],
      ['a timestamp authority', (r) => delete r.timestampAuthorities[0].validFor],
    ];
    for (const [what, edit] of cases) {
      it(`rejects ${what} as malformed rather than "valid since 1970"`, async () => {
        const error = await assertRejectsWithCode(
          () => parseTrustedRoot(edited(edit)),
          'TRUSTED_ROOT_MALFORMED',
        );
        assert.match(String(error.details?.field), /validFor/);
      });
    }
  });

  describe('when the document is not a usable trusted root', () => {
    const cases: [string, (root: Root) => void][] = [
      ['an unknown media type', (r) => (r.mediaType = 'application/json')],
      [
        'a log key that is not a key',
        (r) => (r.tlogs[0].publicKey.rawBytes = Buffer.from('nope').toString('base64')),
      ],
      ['a CA with no certificates', (r) => (r.certificateAuthorities[0].certChain.certificates = [])],
      [
        'a CA certificate that is not a certificate',
        (r) => (r.certificateAuthorities[0].certChain.certificates[0].rawBytes = 'AAAA'),
      ],
      [
        'a validity that ends before it starts',
        (r) => (r.tlogs[0].publicKey.validFor.end = '2000-01-01T00:00:00Z'),
      ],
      ['a log without a log id', (r) => delete r.tlogs[0].logId],
    ];
    for (const [what, edit] of cases) {
      it(`rejects ${what}`, async () => {
        await assertRejectsWithCode(() => parseTrustedRoot(edited(edit)), 'TRUSTED_ROOT_MALFORMED');
      });
    }
    it('rejects what is not an object', async () => {
      await assertRejectsWithCode(() => parseTrustedRoot([]), 'TRUSTED_ROOT_MALFORMED');
    });
  });
});
