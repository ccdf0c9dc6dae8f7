import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { OsvTestServer } from '../support/osv-server.ts';
import { runCli } from '../support/run-cli.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { makeTempDir } from '../support/temp-dir.ts';

// The web UI end to end: a real `raygate serve` on a temporary data folder, tokens made with the CLI and
// the API, releases submitted through the API, and Debian's Chromium clicking through the pages.

const POLICY = `apiVersion: raygate.dev/policy/v1
name: ui-test
description: Warns about missing evidence; one approver, not the submitter.
rules:
  - id: vulnerabilities
    check: vulnerabilities
    action: warn
    severity: high
  - id: sbom
    check: sbom
    action: warn
  - id: pins
    check: pins
    action: warn
  - id: approvals
    check: approvals
    count: 1
    separationOfDuties: true
`;

const HOSTILE = {
  version: '1.0<b>bold<i>',
  repository: '<img src=x onerror="window.__xss=1">',
  ref: 'refs/heads/<script>window.__xss=2</script>',
  requirement: 'requests>=2.0 ; <img src=x onerror=window.__xss=3>',
  comment: '<img src=x onerror="window.__xss=4"> looks "fine" & <b>ok</b>',
  exceptionReason: '<svg onload="window.__xss=5"></svg> accepted risk',
};

// What the callbacks given to page.evaluate see (they run in the page; the project's types have no DOM).
interface PageNode {
  textContent: string | null;
}
declare const document: {
  cookie: string;
  activeElement: { id: string } | null;
  body: { append(node: unknown): void };
  documentElement: { scrollWidth: number };
  createElement(tag: string): PageNode & { src: string };
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): { length: number };
};
declare const window: { innerWidth: number };
declare const localStorage: Record<string, string>;
declare const sessionStorage: Record<string, string>;

interface Person {
  token: string;
  id: string;
}

describe('web UI (Chromium)', function () {
  this.timeout(120_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  let osv: OsvTestServer;
  let serve: ServeProcess;
  let browser: Browser;
  let url: string;
  const people: Record<'admin' | 'admin2' | 'approver' | 'submitter' | 'viewer', Person> = {} as never;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  before(async () => {
    browser = await launchBrowser();
    temp = await makeTempDir('raygate-ui-');
    const policies = path.join(temp.dir, 'policies');
    await mkdir(policies);
    await writeFile(path.join(policies, 'ui-test.yaml'), POLICY);
    osv = await new OsvTestServer([]).start();
    const config = path.join(temp.dir, 'raygate.yaml');
    await writeFile(
      config,
      JSON.stringify({
        gate: {
          policiesDir: policies,
          defaultPolicy: 'ui-test',
          advisories: { source: 'online', apiUrl: osv.url },
        },
      }),
    );
    // Lookups off: the submitted requirements file must not make the service ask pypi.org.
    const env = {
      RAYGATE_DATA: path.join(temp.dir, 'data'),
      RAYGATE_CONFIG: config,
      RAYGATE_INDEX_LOOKUPS: 'off',
    };
    const created = await runCli(
      ['tokens', 'create', '--role', 'admin', '--name', 'first admin', '--format', 'json'],
      {
        env,
        timeoutMs: 90_000,
      },
    );
    assert.equal(created.code, 0, created.stderr);
    const first = JSON.parse(created.stdout) as { token: string; id: string };
    people.admin = { token: first.token, id: first.id };
    serve = await startServe([], env);
    url = serve.url;
    for (const [key, role] of [
      ['admin2', 'admin'],
      ['approver', 'approver'],
      ['submitter', 'submitter'],
      ['viewer', 'viewer'],
    ] as const) {
      const answer = await api('POST', '/api/v1/tokens', people.admin.token, { name: `${key} person`, role });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      people[key] = { token: answer.body.token as string, id: answer.body.id as string };
    }
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    await osv?.stop();
    await temp?.cleanup();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    const found = problems.splice(0);
    assert.deepEqual(found, [], 'no CSP violations or page errors');
  });

  async function api(
    method: string,
    apiPath: string,
    token: string | undefined,
    json?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${url}${apiPath}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  interface Submission {
    project?: string;
    version: string;
    git?: Record<string, string>;
    documents?: { role: string; artifact?: number; name: string; content: string }[];
    by?: Person;
  }

  async function submit(s: Submission): Promise<string> {
    const answer = await api('POST', '/api/v1/releases', (s.by ?? people.submitter).token, {
      project: s.project ?? 'ray-images',
      version: s.version,
      ...(s.git ? { git: s.git } : {}),
      artifacts: [
        { kind: 'wheel', name: 'demo-1.0-py3-none-any.whl', sha256: randomBytes(32).toString('hex') },
      ],
      ...(s.documents ? { documents: s.documents } : {}),
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.id as string;
  }

  async function settle(id: string, states: string[]): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await api('GET', `/api/v1/releases/${id}`, people.admin.token);
      if (states.includes(answer.body.state as string)) return answer.body;
      if (Date.now() > deadline) assert.fail(`release ${id} stayed ${String(answer.body.state)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      const text = message.text();
      if (/Content.Security.Policy|Refused to|Trusted Type/i.test(text)) problems.push(text);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { context, page };
  }

  async function signIn(person: Person, start = '/'): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await newPage();
    await page.goto(`${url}${start}`);
    await page.locator('#token').fill(person.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#sign-out').waitFor();
    return { context, page };
  }

  async function cookieOf(context: BrowserContext) {
    return (await context.cookies(url)).find((c) => c.name === 'raygate_session');
  }

  describe('signing in', () => {
    it('explains a bad token and sets no cookie', async () => {
      const { context, page } = await newPage();
      await page.goto(`${url}/releases`);
      await page.waitForURL(/\/sign-in/);
      await page.locator('#token').fill('rg_this-is-not-a-valid-token-at-all-000000000000');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /TOKEN_INVALID[\s\S]*Sign-in failed: The API token is not valid/);
      assert.equal(await cookieOf(context), undefined);
      assert.equal(await page.locator('#token').inputValue(), '', 'the field is cleared');
    });

    it('signs in with a good token (keyboard only) into an HttpOnly session, keeping no token in the page', async () => {
      const { context, page } = await newPage();
      await page.goto(`${url}/releases?project=ray-images`);
      await page.locator('#token').focus();
      await page.keyboard.type(people.approver.token);
      await page.keyboard.press('Enter');
      await page.locator('#sign-out').waitFor();
      assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/releases?project=ray-images');
      assert.match(await page.locator('#who').innerText(), /approver person · approver/);
      const cookie = await cookieOf(context);
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.doesNotMatch(cookie.value, /^rg_/);
      const visible = await page.evaluate(() => ({
        cookies: document.cookie,
        local: JSON.stringify({ ...localStorage }),
        session: JSON.stringify({ ...sessionStorage }),
      }));
      assert.equal(visible.cookies, '', 'script cannot read the session cookie');
      assert.ok(!JSON.stringify(visible).includes(people.approver.token));
    });
  });

  describe('the releases list', () => {
    let first: string;
    before(async () => {
      first = await submit({ project: 'ray-wheels', version: '0.9.0' });
      await settle(first, ['awaiting_approval']);
      const rejected = await submit({ project: 'ray-wheels', version: '0.9.1' });
      await settle(rejected, ['awaiting_approval']);
      assert.equal(
        (
          await api('POST', `/api/v1/releases/${rejected}/rejections`, people.approver.token, {
            comment: 'no',
          })
        ).status,
        201,
      );
      for (const version of ['2.0.0', '2.0.1', '2.0.2']) {
        await settle(await submit({ version }), ['awaiting_approval']);
      }
    });

    it('shows releases with state and verdict badges, filters by project and state, and pages with the cursor', async () => {
      const { page } = await signIn(people.viewer);
      const rows = page.locator('table.releases tbody tr');
      await rows.first().waitFor();
      assert.ok((await rows.count()) >= 5);
      const firstRow = await rows.first().innerText();
      assert.match(firstRow, /ray-images\s+2\.0\.2/);
      assert.match(firstRow, /Awaiting approval/);
      assert.match(firstRow, /Needs approval/);

      await page.locator('#filter-project').fill('ray-wheels');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/project=ray-wheels/);
      await page.locator('table.releases').waitFor();
      await waitForRows(page, 2);
      assert.deepEqual(
        (await rows.locator('.release-link').allInnerTexts()).map((t) => t.trim()),
        ['ray-wheels 0.9.1', 'ray-wheels 0.9.0'],
      );

      await page.locator('#filter-state').selectOption('rejected');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/state=rejected/);
      await waitForRows(page, 1);
      assert.match(await rows.first().innerText(), /0\.9\.1[\s\S]*Rejected/);

      await page.goto(`${url}/releases?project=ray-images&limit=2`);
      await waitForRows(page, 2);
      assert.deepEqual(await versions(page), ['2.0.2', '2.0.1']);
      await page.getByRole('link', { name: 'Older →' }).click();
      await page.waitForURL(/cursor=/);
      await page.waitForFunction(
        () => document.querySelector('table.releases .version')?.textContent === '2.0.0',
      );
      assert.deepEqual((await versions(page)).slice(0, 1), ['2.0.0']);
      await page.getByRole('link', { name: '← Newer' }).click();
      await page.waitForFunction(
        () => document.querySelector('table.releases .version')?.textContent === '2.0.2',
      );

      await page.locator('.release-link').first().click();
      await page.waitForURL(/\/releases\/rel_/);
      await page.locator('#rules').waitFor();
    });
  });

  describe('a release page', () => {
    let id: string;
    before(async () => {
      id = await submit({
        version: HOSTILE.version,
        git: { repository: HOSTILE.repository, ref: HOSTILE.ref, commit: 'a'.repeat(40) },
        documents: [
          {
            role: 'lock-file',
            name: 'requirements.txt',
            content: Buffer.from(`${HOSTILE.requirement}\n`).toString('base64'),
          },
        ],
      });
      await settle(id, ['awaiting_approval']);
    });

    it('shows every rule with its status and reasons, artifacts with digests, and the audit trail — all as text', async () => {
      const { page } = await signIn(people.viewer, `/releases/${id}`);
      await page.locator('#rules').waitFor();
      const heading = await page.locator('h1').innerText();
      assert.equal(heading, `ray-images ${HOSTILE.version}`);
      const pins = page.locator('[data-rule="pins"]');
      assert.match(await pins.innerText(), /Warn/);
      assert.match(await pins.innerText(), /requirements\.txt could not be analysed/);
      assert.ok((await pins.innerText()).includes(HOSTILE.requirement), 'the reason names the exact line');
      assert.match(
        await page.locator('[data-rule="approvals"]').innerText(),
        /Pending[\s\S]*APPROVALS_MISSING/,
      );
      assert.match(
        await page.locator('[data-rule="sbom"]').innerText(),
        /SBOM_MISSING[\s\S]*Artifact: demo-1\.0-py3-none-any\.whl/,
      );
      const facts = await page.locator('.facts').innerText();
      assert.ok(facts.includes(HOSTILE.repository));
      assert.ok(facts.includes(HOSTILE.ref));
      assert.match(
        await page.locator('#artifacts').innerText(),
        /wheel[\s\S]*demo-1\.0-py3-none-any\.whl[\s\S]*sha256:[0-9a-f]{64}/,
      );
      assert.match(await page.locator('#evidence').innerText(), /requirements\.txt/);
      const audit = await page.locator('#audit').innerText();
      assert.match(audit, /release\.submit/);
      assert.match(audit, /release\.decide/);
      assert.equal(await page.locator('#review-comment').count(), 0, 'a viewer gets no review form');
      await assertNoInjection(page);
    });

    it('follows the event stream from evaluating to the decision without a reload', async () => {
      let release!: () => void;
      osv.hold = new Promise<void>((resolve) => (release = resolve));
      const sbom = {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [
          { type: 'library', name: 'requests', version: '2.31.0', purl: 'pkg:pypi/requests@2.31.0' },
        ],
      };
      const live = await submit({
        version: '3.0.0',
        documents: [
          {
            role: 'sbom',
            artifact: 0,
            name: 'demo.cdx.json',
            content: Buffer.from(JSON.stringify(sbom)).toString('base64'),
          },
        ],
      });
      try {
        await settle(live, ['evaluating']);
        const { page } = await signIn(people.viewer, `/releases/${live}`);
        await page.locator('#release-status').waitFor();
        assert.match(await page.locator('#release-status').innerText(), /Evaluating/);
        assert.match(await page.locator('.live-note').innerText(), /updates by itself/);
        await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
        release();
        await page.locator('#release-status [data-value="awaiting_approval"]').waitFor({ timeout: 20_000 });
        assert.match(await page.locator('#release-status').innerText(), /Needs approval/);
        assert.equal(await page.locator('.live-note').count(), 0);
        assert.equal(
          await page.evaluate(() => (window as unknown as { __same?: boolean }).__same),
          true,
          'no reload',
        );
        assert.match(await page.locator('[data-rule="vulnerabilities"]').innerText(), /Pass/);

        const link = page.locator('#artifacts a.sbom-link');
        assert.match(await link.innerText(), /Download SBOM \(uploaded\)/);
        const href = await link.getAttribute('href');
        const bom = await page.evaluate(
          async (h) => (await (await fetch(h!)).json()) as { bomFormat: string },
          href,
        );
        assert.equal(bom.bomFormat, 'CycloneDX');
      } finally {
        release();
        osv.hold = undefined;
      }
    });
  });

  describe('reviewing', () => {
    it('shows the server’s separation-of-duties refusal, then lets an approver approve', async () => {
      const id = await submit({ version: '4.0.0', by: people.admin });
      await settle(id, ['awaiting_approval']);
      const self = await signIn(people.admin, `/releases/${id}`);
      assert.match(await self.page.locator('#review-own').innerText(), /You submitted this release/);
      await self.page.locator('#review-comment').fill('I built it, I like it');
      await self.page.getByRole('button', { name: 'Approve' }).click();
      const alert = self.page.locator('#review-status [role="alert"]');
      await alert.waitFor({ timeout: 5000 }).catch(async (e) => {
        await self.page.screenshot({ path: '/tmp/ui-sod.png', fullPage: true });
        throw e;
      });
      const text = await alert.innerText();
      assert.match(text, /SOD|separation|submitter/i);
      assert.equal((await settle(id, ['awaiting_approval'])).state, 'awaiting_approval');

      const { page } = await signIn(people.approver, `/releases/${id}`);
      assert.equal(await page.locator('#review-own').count(), 0);
      // Keyboard only: from the comment, Tab reaches Approve and Enter presses it.
      await page.locator('#review-comment').fill(HOSTILE.comment);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'approve');
      await page.keyboard.press('Enter');
      await page.locator('#release-status [data-value="approved"]').waitFor();
      const reviews = await page.locator('#reviews').innerText();
      assert.match(reviews, new RegExp(`Approval[\\s\\S]*token:${people.approver.id}`));
      assert.ok(reviews.includes(HOSTILE.comment));
      assert.equal(await page.locator('#review-comment').count(), 0, 'no review form once decided');
      // The stream goes on until the verification summary is issued; the page shows it when it is.
      await page.locator('#vsas table').waitFor({ timeout: 20_000 });
      assert.match(await page.locator('#vsas').innerText(), /sha256:[0-9a-f]{12}/);
      assert.match(await page.locator('#release-status').innerText(), /Approved/);
      assert.match(await page.locator('.facts').innerText(), /Verification summary\s*.?\s*Issued/);
      await assertNoInjection(page);
    });

    it('rejects with a required comment', async () => {
      const id = await submit({ version: '5.0.0' });
      await settle(id, ['awaiting_approval']);
      const { page } = await signIn(people.approver, `/releases/${id}`);
      await page.getByRole('button', { name: 'Reject' }).click();
      assert.match(await page.locator('#review-status').innerText(), /COMMENT_REQUIRED/);
      assert.equal((await settle(id, ['awaiting_approval'])).state, 'awaiting_approval');
      await page.locator('#review-comment').fill('CVE triage pending');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('#release-status [data-value="rejected"]').waitFor();
      assert.match(await page.locator('#reviews').innerText(), /Rejection[\s\S]*CVE triage pending/);
      await page.waitForFunction(() =>
        document.querySelector('#audit')?.textContent?.includes('release.reject'),
      );
      const detail = await api('GET', `/api/v1/releases/${id}`, people.viewer.token);
      assert.equal(detail.body.state, 'rejected');
    });

    it('gives a viewer no review form, and the server refuses a POST forged from the page', async () => {
      const id = await submit({ version: '6.0.0' });
      await settle(id, ['awaiting_approval']);
      const { page } = await signIn(people.viewer, `/releases/${id}`);
      await page.locator('#rules').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0);
      const forged = await page.evaluate(async (releaseId) => {
        const session = (await (await fetch('/api/v1/sessions/current')).json()) as { csrfToken: string };
        const post = (headers: Record<string, string>) =>
          fetch(`/api/v1/releases/${releaseId}/approvals`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ comment: 'forged' }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string } } }));
        return { withCsrf: await post({ 'x-raygate-csrf': session.csrfToken }), withoutCsrf: await post({}) };
      }, id);
      assert.equal(forged.withCsrf.status, 403);
      assert.equal(forged.withCsrf.body.error.code, 'FORBIDDEN');
      assert.equal(forged.withoutCsrf.status, 403);
      assert.equal(forged.withoutCsrf.body.error.code, 'CSRF_REJECTED');
      assert.equal((await settle(id, ['awaiting_approval'])).state, 'awaiting_approval');
    });

    it('refuses a cross-origin form post that carries the session cookie', async () => {
      const id = await submit({ version: '7.0.0' });
      await settle(id, ['awaiting_approval']);
      const { context, page } = await signIn(people.approver, `/releases/${id}`);
      await page.locator('#review-comment').waitFor();
      // Another origin on the same host (same site, so even SameSite=Strict sends the cookie): only the
      // Origin check and the CSRF token stand in the way.
      const evil: Server = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(
          `<form id="f" method="POST" enctype="text/plain" action="${url}/api/v1/releases/${id}/approvals">` +
            `<input name='{"comment":"csrf","x":"' value='"}'></form>` +
            '<script>document.getElementById("f").submit()</script>',
        );
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      try {
        const attacker = await context.newPage();
        await attacker.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
        await attacker.waitForURL(/\/approvals$/);
        assert.match(await attacker.locator('body').innerText(), /CSRF_REJECTED/);
      } finally {
        evil.closeAllConnections();
        await new Promise((resolve) => evil.close(resolve));
      }
      const after = await settle(id, ['awaiting_approval']);
      assert.deepEqual(after.approvals, []);
    });
  });

  describe('exceptions', () => {
    it('lets an admin record one, a second admin approve it and revoke it; a viewer only reads', async () => {
      const { page } = await signIn(people.admin, '/exceptions');
      await page.locator('#new-scope-kind').selectOption('advisory');
      await page.locator('#new-scope-value').fill('GHSA-abcd-efgh-ijkl');
      await page.locator('#new-project').fill('ray-images');
      await page.locator('#new-reason').fill(HOSTILE.exceptionReason);
      await page.locator('#new-owner').fill('security team');
      await page
        .locator('#new-expires')
        .fill(new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10));
      await page.getByRole('button', { name: 'Record exception' }).click();
      await page.locator('#exception-status .notice').waitFor();
      const row = page.locator('#exception-list tbody tr').filter({ hasText: 'GHSA-abcd-efgh-ijkl' });
      assert.match(await row.innerText(), /Unapproved/);
      assert.ok((await row.innerText()).includes(HOSTILE.exceptionReason));
      await row.getByRole('button', { name: /Approve exception/ }).click();
      await page.locator('#exception-status [role="alert"]').waitFor();
      assert.match(await page.locator('#exception-status').innerText(), /SOD|recorded it|another admin/i);

      const second = await signIn(people.admin2, '/exceptions');
      const row2 = second.page.locator('#exception-list tbody tr').filter({ hasText: 'GHSA-abcd-efgh-ijkl' });
      await row2.getByRole('button', { name: /Approve exception/ }).click();
      await second.page.locator('#exception-status .notice').waitFor();
      await second.page.waitForFunction(() =>
        document.querySelector('#exception-list [data-value="active"]'),
      );
      await row2.getByRole('button', { name: /Revoke exception/ }).click();
      await second.page.waitForFunction(() =>
        document.querySelector('#exception-list [data-value="revoked"]'),
      );
      await assertNoInjection(second.page);

      const viewer = await signIn(people.viewer, '/exceptions');
      await viewer.page.locator('#exception-list tbody tr').first().waitFor();
      assert.equal(await viewer.page.locator('#new-reason').count(), 0);
      assert.equal(await viewer.page.getByRole('button', { name: /Revoke exception/ }).count(), 0);
    });
  });

  describe('exceptions on a release page', () => {
    it('shows an exception that applied, on the rule it covers and in the exceptions section', async () => {
      const id = await submit({ version: '8.0.0' });
      await settle(id, ['awaiting_approval']);
      const recorded = await api('POST', '/api/v1/exceptions', people.admin.token, {
        scope: { kind: 'release', releaseId: id },
        rules: ['sbom'],
        reason: 'SBOM comes from the base image build',
        owner: 'platform team',
        expiresAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      });
      assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
      const { page } = await signIn(people.viewer, `/releases/${id}`);
      await page.locator('#rules').waitFor();
      assert.match(await page.locator('[data-rule="sbom"]').innerText(), /Warn/);
      const approved = await api(
        'POST',
        `/api/v1/exceptions/${String(recorded.body.id)}/approval`,
        people.admin2.token,
      );
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      // The approval re-evaluates the release; the page follows its events.
      await page
        .locator('[data-rule="sbom"] [data-value="pass-with-exception"]')
        .waitFor({ timeout: 20_000 });
      const rule = await page.locator('[data-rule="sbom"]').innerText();
      assert.match(rule, /Excepted/);
      assert.match(rule, /SBOM comes from the base image build/);
      assert.match(
        await page.locator('#exceptions').innerText(),
        new RegExp(`${String(recorded.body.id)}[\\s\\S]*Applied`),
      );
    });
  });

  describe('signing out', () => {
    it('revokes the session on the server: the old cookie no longer works', async () => {
      const { context, page } = await signIn(people.approver);
      const cookie = await cookieOf(context);
      assert.ok(cookie);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/sign-in/);
      assert.equal(await cookieOf(context), undefined);
      const replayed = await fetch(`${url}/api/v1/releases`, {
        headers: { cookie: `raygate_session=${cookie.value}` },
      });
      assert.equal(replayed.status, 401);
      assert.equal(((await replayed.json()) as { error: { code: string } }).error.code, 'SESSION_INVALID');
    });
  });

  describe('the page itself', () => {
    it('sends a strict CSP and security headers, and fits a narrow window', async () => {
      await settle(await submit({ version: '9.0.0' }), ['awaiting_approval']);
      const { page } = await newPage(380);
      const response = await page.goto(`${url}/`);
      const headers = response!.headers();
      assert.match(headers['content-security-policy']!, /default-src 'self'.*frame-ancestors 'none'/);
      assert.doesNotMatch(headers['content-security-policy']!, /unsafe-inline/);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['referrer-policy'], 'no-referrer');
      await page.locator('#token').fill(people.viewer.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('table.releases').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the list fits 380 px (overflows by ${overflow} px)`);
      await page.locator('.release-link').first().click();
      await page.locator('#rules').waitFor();
      const detailOverflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(detailOverflow <= 0, `a release page fits 380 px (overflows by ${detailOverflow} px)`);
      // An image from a data: URL is refused by img-src 'self' and reported: the policy is enforced.
      await page.evaluate(() => {
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.body.append(img);
      });
      await page.waitForTimeout(200);
      const reported = problems.splice(0);
      assert.ok(
        reported.some((p) => /Content Security Policy|Trusted Type/i.test(p)),
        reported.join('\n'),
      );
    });
  });
});

async function waitForRows(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) => document.querySelectorAll('table.releases tbody tr').length === count,
    n,
  );
}

async function versions(page: Page): Promise<string[]> {
  return page.locator('table.releases .version').allInnerTexts();
}

/** No element came from an API value, and no injected handler ran. */
async function assertNoInjection(page: Page): Promise<void> {
  const found = await page.evaluate(() => ({
    injected: document.querySelectorAll('main img, main svg, main script, main b, main i').length,
    xss: (window as unknown as { __xss?: number }).__xss,
  }));
  assert.deepEqual(found, { injected: 0, xss: undefined });
}
