import assert from 'node:assert/strict';
import {
  compareSnapshots,
  renderMarkdown,
  renderSlack,
  SLACK_LIMITS,
  type Digest,
} from '../../../src/advisories/digest/index.ts';
import { markdownTitle } from '../../../src/advisories/digest/render-markdown.ts';
import { ghsa, pypaPackage } from '../records.ts';
import { observe, type TestRelease } from './support.ts';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const IMAGE: TestRelease = {
  key: 'rel_1',
  label: 'ray-images 2.58.0',
  artifact: { name: 'ray', kind: 'image', digest: DIGEST, reference: `ghcr.io/acme/ray@${DIGEST}` },
  purls: ['pkg:pypi/urllib3@2.2.1'],
};
/** Old versions of packages with long advisory histories: hundreds of real findings. */
const OLD: TestRelease = {
  key: 'rel_old',
  label: 'legacy 0.1',
  artifact: { name: 'legacy-env' },
  purls: [
    'pkg:pypi/tensorflow@2.0.0',
    'pkg:pypi/pillow@6.0.0',
    'pkg:pypi/django@2.0',
    'pkg:pypi/urllib3@1.24',
  ],
};

async function digestOf(releases: TestRelease[], records = [ghsa('GHSA-34jh-p97f-mpxf')]): Promise<Digest> {
  const previous = (await observe(releases, [], '2024-06-01T00:00:00Z')).snapshot;
  const current = await observe(releases, records, '2024-06-20T00:00:00Z');
  return compareSnapshots(
    { ...previous, scope: 'ray-images' },
    { ...current.snapshot, scope: 'ray-images' },
    { generatedAt: new Date('2024-06-20T00:00:00Z') },
  );
}

describe('digest renderers', () => {
  describe('renderMarkdown', () => {
    it('says what is new, where, and how to fix it, with a hidden marker', async () => {
      const digest = await digestOf([IMAGE]);
      const text = renderMarkdown(digest, { marker: 'raygate-digest:abc' });
      assert.match(
        text,
        /^## raygate advisory digest for ray-images: 1 new advisory affects 1 shipped release/,
      );
      assert.match(text, /### New \(1\)/);
      assert.match(
        text,
        /- \*\*MEDIUM [0-9.]+\*\* \[CVE-2024-37891\]\(https:\/\/osv\.dev\/vulnerability\/GHSA-34jh-p97f-mpxf\) \(GHSA-34jh-p97f-mpxf\) — newly published: /,
      );
      assert.match(
        text,
        / {2}- urllib3 2\.2\.1 \(fixed in 2\.2\.2\) in ray-images 2\.58\.0 \(image `ghcr\.io\/acme\/ray@sha256:(cd){32}`\)\n/,
      );
      assert.match(text, /<!-- raygate-digest:abc -->\n$/);
      assert.equal(
        markdownTitle(digest),
        'raygate advisory digest for ray-images: 1 new advisory affects 1 shipped release',
      );
    });

    it('escapes advisory text so it cannot mention people, link or inject HTML', async () => {
      const hostile = structuredClone(ghsa('GHSA-34jh-p97f-mpxf'));
      hostile.summary = 'Ping @acme/security <img src=x onerror=alert(1)> [click](javascript:alert(1)) #12';
      const text = renderMarkdown(await digestOf([IMAGE], [hostile]));
      assert.doesNotMatch(text, /@acme/);
      assert.match(text, /@\u200dacme/);
      assert.doesNotMatch(text, /<img/);
      assert.doesNotMatch(text, /\[click\]\(javascript/);
      assert.match(text, /\\#12/);
    });

    it('stays within the size it is given and counts what it left out', async () => {
      const digest = await digestOf(
        [OLD],
        [...pypaPackage('tensorflow'), ...pypaPackage('pillow'), ...pypaPackage('django')],
      );
      assert.ok(digest.entries.length > 150, `${digest.entries.length} entries`);
      const text = renderMarkdown(digest, {
        maxChars: 8000,
        fullDigestUrl: 'https://raygate.example/api/v1/digests/7',
      });
      assert.ok(text.length <= 8000, `${text.length} characters`);
      const shown = (text.match(/^- \*\*/gm) ?? []).length;
      assert.match(
        text,
        new RegExp(
          `… and ${digest.entries.length - shown} more in the \\[full digest\\]\\(https://raygate\\.example/api/v1/digests/7\\)\\.`,
        ),
      );
      assert.ok(renderMarkdown(digest).length <= 65_536);
    });
  });

  describe('renderSlack', () => {
    it('stays within Slack block limits and says how many entries were left out', async () => {
      const digest = await digestOf(
        [OLD],
        [...pypaPackage('tensorflow'), ...pypaPackage('pillow'), ...pypaPackage('django')],
      );
      const message = renderSlack(digest);
      assert.ok(message.blocks.length <= SLACK_LIMITS.blocks);
      const sections = message.blocks.filter((b) => b.type === 'section');
      for (const s of sections) assert.ok(s.text.text.length <= SLACK_LIMITS.sectionText);
      const shown = sections.filter((s) => /^(\*New \(\d+\)\*\n)?\*[A-Z]+/.test(s.text.text)).length;
      assert.ok(shown > 10 && shown < digest.entries.length);
      assert.ok(sections.some((s) => s.text.text === `… and ${digest.entries.length - shown} more.`));
      assert.match(message.text, /^raygate digest: ray-images: \d+ new advisories affect 1 shipped release$/);
    });

    it("escapes Slack's control characters so a summary cannot ping a channel or form a link", async () => {
      const hostile = structuredClone(ghsa('GHSA-34jh-p97f-mpxf'));
      hostile.summary = '<!channel> see <https://evil.example|docs> & more';
      const message = renderSlack(await digestOf([IMAGE], [hostile]));
      const all = JSON.stringify(message.blocks);
      assert.doesNotMatch(all, /<!channel>/);
      assert.match(all, /&lt;!channel&gt; see &lt;https:\/\/evil\.example\|docs&gt; &amp; more/);
    });
  });
});
