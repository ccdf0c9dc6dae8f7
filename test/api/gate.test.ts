import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { roleGrants, type Permission } from '../../src/api/auth/permissions.ts';
import { GATE_QUEUES } from '../../src/gate/job-names.ts';
import { SUBMISSION_SCHEMA } from '../../src/gate/submission.ts';
import { ROLES, type Role } from '../../src/store/api-tokens.ts';
import { runCli } from '../support/run-cli.ts';
import { BACKENDS } from '../support/test-db.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import {
  CLEAN_WHEEL,
  gateEnvironment,
  GATE_POLICIES,
  importGateMirror,
  PYARROW_ADVISORY,
  testSigner,
  VULNERABLE_WHEEL,
  wheelArtifact,
} from '../gate/support.ts';
import { call, errorCode, startTestApi, type TestApi } from './support.ts';

const CONFIG = `
gate:
  defaultPolicy: gate-test
  limits: {maxSubmissionBytes: 65536, maxDocumentBytes: 32768}
`;

interface Release {
  id: string;
  project: string;
  state: string;
  verdict: string | null;
  vsa: string;
  decision: { rules: { rule: string; status: string }[]; exceptions: { id: string; state: string }[] } | null;
  approvals: { actor: string; roles: string[] }[];
  evidence: { exceptions: unknown } | null;
}

for (const backend of BACKENDS) {
  describe(`gate API (${backend})`, function () {
    this.timeout(120_000);
    let api: TestApi;
    let temp: { dir: string; cleanup: () => Promise<void> };
    let now = new Date();
    const tokens = {} as Record<
      | 'submitter'
      | 'otherSubmitter'
      | 'approver'
      | 'security'
      | 'otherApprover'
      | 'viewer'
      | 'otherViewer'
      | 'admin'
      | 'admin2',
      string
    >;
    let salt = 0;

    const setNow = (date: Date) => {
      now = date;
      api.setNow(date);
    };
    const submit = (token: string, name: string, extra: Record<string, unknown> = {}) =>
      call(api.url, 'POST', '/api/v1/releases', {
        token,
        json: {
          project: 'acme',
          version: `1.0.${salt}`,
          artifacts: [wheelArtifact(name, String(salt++))],
          ...extra,
        },
      });
    const get = async (id: string, token = tokens.viewer) =>
      (await call(api.url, 'GET', `/api/v1/releases/${id}`, { token })).body as unknown as Release;
    const settle = async (
      id: string,
      done: (r: Release) => boolean = (r) => !['pending', 'evaluating'].includes(r.state),
    ) => {
      const until = Date.now() + 20_000;
      for (;;) {
        const release = await get(id);
        if (done(release)) return release;
        if (Date.now() > until) assert.fail(`release ${id} stuck: ${JSON.stringify(release.state)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const approve = (id: string, token: string, comment = 'looks right') =>
      call(api.url, 'POST', `/api/v1/releases/${id}/approvals`, { token, json: { comment } });
    const submitted = async (token: string, name: string, extra: Record<string, unknown> = {}) => {
      const answer = await submit(token, name, extra);
      assert.equal(answer.status, 201, answer.text);
      return settle(String(answer.body.id));
    };

    before(async () => {
      temp = await makeTempDir('raygate-gate-api-');
      const mirror = await importGateMirror(temp.dir);
      api = await startTestApi({
        backend,
        env: { RAYGATE_POLICIES: GATE_POLICIES },
        configFile: CONFIG,
        gate: { env: gateEnvironment(mirror, temp.dir, () => now), signer: await testSigner(temp.dir) },
      });
      tokens.submitter = (await api.issue('submitter', ['acme'])).token;
      tokens.otherSubmitter = (await api.issue('submitter', ['other'])).token;
      tokens.approver = (await api.issue('approver', ['acme'])).token;
      tokens.security = (await api.issue('approver', [], null, ['security'])).token;
      tokens.otherApprover = (await api.issue('approver', ['other'])).token;
      tokens.viewer = (await api.issue('viewer')).token;
      tokens.otherViewer = (await api.issue('viewer', ['other'])).token;
      tokens.admin = (await api.issue('admin')).token;
      tokens.admin2 = (await api.issue('admin')).token;
    });
    after(async () => {
      await api?.close();
      await temp?.cleanup();
    });

    describe('when a clean release is submitted', () => {
      let id: string;

      it('answers 201 pending, collects evidence and waits for approval', async () => {
        const answer = await submit(tokens.submitter, CLEAN_WHEEL);
        assert.equal(answer.status, 201, answer.text);
        assert.equal(answer.body.state, 'pending');
        id = String(answer.body.id);
        assert.equal(answer.headers.get('location'), `/api/v1/releases/${id}`);
        const release = await settle(id);
        assert.equal(release.state, 'awaiting_approval');
        assert.equal(release.verdict, 'needs-approval');
        assert.deepEqual(
          release.decision!.rules.map((r) => [r.rule, r.status]),
          [
            ['critical-fixable', 'pass'],
            ['sbom', 'warn'],
            ['signatures', 'warn'],
            ['approvals', 'pending'],
          ],
        );
      });

      it('returns the same release (200) when the same content is submitted again', async () => {
        const release = await get(id);
        const again = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: {
            project: 'acme',
            version: (await call(api.url, 'GET', `/api/v1/releases/${id}`, { token: tokens.viewer })).body
              .version,
            artifacts: [wheelArtifact(CLEAN_WHEEL, '0')],
          },
        });
        assert.equal(again.status, 200, again.text);
        assert.equal(again.body.id, release.id);
      });

      it('refuses the submitter’s role any approval (403) and an admin who submitted (separation of duties)', async () => {
        const own = await approve(id, tokens.submitter);
        assert.deepEqual([own.status, errorCode(own)], [403, 'FORBIDDEN']);
        const byAdmin = await submitted(tokens.admin, CLEAN_WHEEL);
        const sod = await approve(byAdmin.id, tokens.admin);
        assert.deepEqual([sod.status, errorCode(sod)], [403, 'GATE_SOD_VIOLATION']);
        assert.equal((await get(byAdmin.id)).approvals.length, 0);
      });

      it('hides it from a token of another project (404, not 403) and from their listings', async () => {
        for (const token of [tokens.otherViewer, tokens.otherApprover]) {
          const answer = await call(api.url, 'GET', `/api/v1/releases/${id}`, { token });
          assert.deepEqual([answer.status, errorCode(answer)], [404, 'GATE_RELEASE_NOT_FOUND']);
        }
        const approval = await approve(id, tokens.otherApprover);
        assert.deepEqual([approval.status, errorCode(approval)], [404, 'GATE_RELEASE_NOT_FOUND']);
        for (const sub of ['evidence', 'policy', 'audit', 'decisions', 'vsa', 'artifacts/0/sbom']) {
          const answer = await call(api.url, 'GET', `/api/v1/releases/${id}/${sub}`, {
            token: tokens.otherViewer,
          });
          assert.equal(answer.status, 404, sub);
        }
        const list = await call(api.url, 'GET', '/api/v1/releases', { token: tokens.otherViewer });
        assert.deepEqual(list.body.releases, []);
        const filtered = await call(api.url, 'GET', '/api/v1/releases?project=acme', {
          token: tokens.otherViewer,
        });
        assert.deepEqual([filtered.status, errorCode(filtered)], [403, 'FORBIDDEN']);
        const foreign = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.otherSubmitter,
          json: { project: 'acme', version: '9', artifacts: [wheelArtifact(CLEAN_WHEEL, 'x')] },
        });
        assert.deepEqual([foreign.status, errorCode(foreign)], [403, 'FORBIDDEN']);
      });

      it('approves it on one approval by an approver, records the approval, issues a VSA', async () => {
        const answer = await approve(id, tokens.approver);
        assert.equal(answer.status, 201, answer.text);
        assert.equal(answer.body.state, 'approved');
        const release = await settle(id, (r) => r.vsa !== 'pending');
        assert.equal(release.vsa, 'issued');
        assert.equal(release.approvals.length, 1);
        assert.deepEqual(release.approvals[0]!.roles, ['approver']);
        const vsa = await call(api.url, 'GET', `/api/v1/releases/${id}/vsa?format=bundle`, {
          token: tokens.viewer,
        });
        assert.equal(vsa.status, 200);
        const statement = JSON.parse(
          Buffer.from((vsa.body.dsseEnvelope as { payload: string }).payload, 'base64').toString('utf8'),
        ) as { predicateType: string; predicate: { verificationResult: string } };
        assert.equal(statement.predicateType, 'https://slsa.dev/verification_summary/v1');
        assert.equal(statement.predicate.verificationResult, 'PASSED');
      });

      it('refuses a replayed approval once approved (409), and changes nothing', async () => {
        const before = await get(id);
        const replay = await approve(id, tokens.approver);
        assert.deepEqual([replay.status, errorCode(replay)], [409, 'GATE_TRANSITION_INVALID']);
        const reject = await call(api.url, 'POST', `/api/v1/releases/${id}/rejections`, {
          token: tokens.admin,
          json: { comment: 'too late' },
        });
        assert.deepEqual([reject.status, errorCode(reject)], [409, 'GATE_TRANSITION_INVALID']);
        assert.deepEqual(await get(id), before);
      });

      it('keeps the whole story in its audit trail, in chain order', async () => {
        const audit = await call(api.url, 'GET', `/api/v1/releases/${id}/audit`, { token: tokens.viewer });
        const actions = (audit.body.entries as { action: string }[]).map((e) => e.action);
        assert.deepEqual(actions, [
          'release.submit',
          'release.evaluating',
          'release.decide',
          'release.awaiting-approval',
          'release.approve',
          'release.decide',
          'release.approved',
          'release.vsa-issue',
        ]);
      });
    });

    describe('when a release fails its policy', () => {
      let rejected: Release;

      before(async () => {
        rejected = await submitted(tokens.submitter, VULNERABLE_WHEEL);
      });

      it('is rejected by the decision, naming the advisory', async () => {
        assert.equal(rejected.state, 'rejected');
        assert.equal(rejected.verdict, 'deny');
        const evidence = await call(api.url, 'GET', `/api/v1/releases/${rejected.id}/evidence`, {
          token: tokens.viewer,
        });
        assert.match(evidence.text, new RegExp(PYARROW_ADVISORY));
      });

      it('cannot be approved or rejected again (409 GATE_TRANSITION_INVALID)', async () => {
        const answer = await approve(rejected.id, tokens.approver);
        assert.deepEqual([answer.status, errorCode(answer)], [409, 'GATE_TRANSITION_INVALID']);
        const again = await call(api.url, 'POST', `/api/v1/releases/${rejected.id}/rejections`, {
          token: tokens.approver,
          json: { comment: 'no' },
        });
        assert.deepEqual([again.status, errorCode(again)], [409, 'GATE_TRANSITION_INVALID']);
        const vsa = await call(api.url, 'GET', `/api/v1/releases/${rejected.id}/vsa`, {
          token: tokens.viewer,
        });
        assert.deepEqual([vsa.status, errorCode(vsa)], [409, 'GATE_VSA_NOT_ISSUED']);
      });
    });

    describe('when the policy wants two approvers, one with the security role', () => {
      it('counts an approver once, waits for the role, then approves', async () => {
        const release = await submitted(tokens.submitter, CLEAN_WHEEL, { policy: 'two-approvers' });
        assert.equal(release.state, 'awaiting_approval');
        assert.equal((await approve(release.id, tokens.approver)).status, 201);
        const replay = await approve(release.id, tokens.approver, 'again');
        assert.deepEqual([replay.status, errorCode(replay)], [409, 'GATE_APPROVAL_DUPLICATE']);
        let now = await get(release.id);
        assert.equal(now.state, 'awaiting_approval');
        assert.equal(now.approvals.length, 1);
        assert.deepEqual(now.decision!.rules.find((r) => r.rule === 'approvals')?.status, 'pending');
        assert.equal((await approve(release.id, tokens.security)).status, 201);
        now = await get(release.id);
        assert.equal(now.state, 'approved');
        assert.deepEqual(
          now.approvals.map((a) => a.roles),
          [['approver'], ['approver', 'security']],
        );
      });

      it('does not approve with two approvers when neither holds the role', async () => {
        const release = await submitted(tokens.submitter, CLEAN_WHEEL, { policy: 'two-approvers' });
        assert.equal((await approve(release.id, tokens.approver)).status, 201);
        assert.equal((await approve(release.id, tokens.admin)).status, 201);
        const now = await get(release.id);
        assert.equal(now.state, 'awaiting_approval');
        assert.match(JSON.stringify(now.decision), /No approval yet from someone with the role 'security'/);
      });
    });

    describe('when requests race', () => {
      it('counts one approval when the same approver sends it five times at once', async () => {
        const release = await submitted(tokens.submitter, CLEAN_WHEEL, { policy: 'two-approvers' });
        const answers = await Promise.all([1, 2, 3, 4, 5].map(() => approve(release.id, tokens.security)));
        assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409, 409, 409]);
        assert.ok(
          answers.filter((a) => a.status === 409).every((a) => errorCode(a) === 'GATE_APPROVAL_DUPLICATE'),
        );
        const now = await get(release.id);
        assert.equal(now.approvals.length, 1);
        assert.equal(now.state, 'awaiting_approval');
      });

      it('creates one release when the same submission arrives five times at once', async () => {
        const body = { project: 'acme', version: '7.0.0', artifacts: [wheelArtifact(CLEAN_WHEEL, 'race')] };
        const answers = await Promise.all(
          [1, 2, 3, 4, 5].map(() =>
            call(api.url, 'POST', '/api/v1/releases', { token: tokens.submitter, json: body }),
          ),
        );
        assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 201]);
        assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
        await settle(String(answers[0]!.body.id));
      });

      it('takes a rejected submission again as a new candidate', async () => {
        const body = {
          project: 'acme',
          version: '7.0.1',
          artifacts: [wheelArtifact(VULNERABLE_WHEEL, 'again')],
        };
        const first = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: body,
        });
        assert.equal((await settle(String(first.body.id))).state, 'rejected');
        const second = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: body,
        });
        assert.equal(second.status, 201);
        assert.notEqual(second.body.id, first.body.id);
        await settle(String(second.body.id));
      });
    });

    describe('when a release is rejected by a person', () => {
      it('moves awaiting_approval → rejected with the comment, and no approval follows', async () => {
        const release = await submitted(tokens.submitter, CLEAN_WHEEL);
        const answer = await call(api.url, 'POST', `/api/v1/releases/${release.id}/rejections`, {
          token: tokens.approver,
          json: { comment: 'wrong branch' },
        });
        assert.equal(answer.status, 201, answer.text);
        assert.equal(answer.body.state, 'rejected');
        const late = await approve(release.id, tokens.security);
        assert.deepEqual([late.status, errorCode(late)], [409, 'GATE_TRANSITION_INVALID']);
      });
    });

    describe('when exceptions are managed', () => {
      const expiresIn = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
      const createException = (token: string, days = 1) =>
        call(api.url, 'POST', '/api/v1/exceptions', {
          token,
          json: {
            project: 'acme',
            scope: { kind: 'advisory', id: PYARROW_ADVISORY },
            reason: 'pyarrow is not reachable from user input in this image',
            owner: 'security@acme.example',
            expiresAt: expiresIn(days),
          },
        });

      it('lets only admins create and approve them, never the creator approving their own', async () => {
        for (const token of [tokens.viewer, tokens.submitter, tokens.approver, tokens.security]) {
          const answer = await createException(token);
          assert.deepEqual([answer.status, errorCode(answer)], [403, 'FORBIDDEN']);
        }
        const created = await createException(tokens.admin);
        assert.equal(created.status, 201, created.text);
        assert.equal(created.body.status, 'unapproved');
        const path = `/api/v1/exceptions/${String(created.body.id)}/approval`;
        const self = await call(api.url, 'POST', path, { token: tokens.admin });
        assert.deepEqual([self.status, errorCode(self)], [403, 'GATE_SOD_VIOLATION']);
        const byApprover = await call(api.url, 'POST', path, { token: tokens.approver });
        assert.deepEqual([byApprover.status, errorCode(byApprover)], [403, 'FORBIDDEN']);
        const approved = await call(api.url, 'POST', path, { token: tokens.admin2 });
        assert.equal(approved.status, 200, approved.text);
        assert.equal(approved.body.status, 'active');
        const again = await call(api.url, 'POST', path, { token: tokens.admin2 });
        assert.deepEqual([again.status, errorCode(again)], [409, 'GATE_EXCEPTION_ALREADY_APPROVED']);
        const audit = await call(api.url, 'GET', '/api/v1/audit', { token: tokens.admin });
        const mine = (audit.body.entries as { action: string; subject?: { id?: string } }[])
          .filter((e) => e.subject?.id === created.body.id)
          .map((e) => e.action);
        assert.deepEqual(mine, ['exception.create', 'exception.approve']);
        await call(api.url, 'DELETE', `/api/v1/exceptions/${String(created.body.id)}`, {
          token: tokens.admin,
        });
      });

      it('shows a project’s exception only to tokens of that project (404 otherwise), a global one to all', async () => {
        const created = await createException(tokens.admin);
        const id = String(created.body.id);
        const hidden = await call(api.url, 'GET', `/api/v1/exceptions/${id}`, { token: tokens.otherViewer });
        assert.deepEqual([hidden.status, errorCode(hidden)], [404, 'GATE_EXCEPTION_NOT_FOUND']);
        const theirs = await call(api.url, 'GET', '/api/v1/exceptions', { token: tokens.otherViewer });
        assert.ok(!(theirs.body.exceptions as { id: string }[]).some((e) => e.id === id));
        const global = await call(api.url, 'POST', '/api/v1/exceptions', {
          token: tokens.admin,
          json: {
            scope: { kind: 'purl', purl: 'pkg:pypi/pyarrow' },
            reason: 'global',
            owner: 'security@acme.example',
            expiresAt: expiresIn(1),
          },
        });
        assert.equal(global.status, 201, global.text);
        assert.equal(global.body.project, null);
        const seen = await call(api.url, 'GET', `/api/v1/exceptions/${String(global.body.id)}`, {
          token: tokens.otherViewer,
        });
        assert.equal(seen.status, 200);
        for (const e of [id, String(global.body.id)]) {
          await call(api.url, 'DELETE', `/api/v1/exceptions/${e}`, { token: tokens.admin });
        }
      });

      it('filters by status in the query: pages of one are never empty before the end, and hold only that state', async () => {
        const created: string[] = [];
        try {
          const active = await createException(tokens.admin);
          created.push(String(active.body.id));
          await call(api.url, 'POST', `/api/v1/exceptions/${String(active.body.id)}/approval`, {
            token: tokens.admin2,
          });
          const unapproved = await createException(tokens.admin);
          created.push(String(unapproved.body.id));
          const revoked = await createException(tokens.admin);
          await call(api.url, 'DELETE', `/api/v1/exceptions/${String(revoked.body.id)}`, {
            token: tokens.admin,
          });
          // Other tests leave exceptions in every state, so the walk sees a mix of them under the filter.
          const walk = async (status: string) => {
            const ids: string[] = [];
            let cursor: string | null = null;
            for (let pages = 0; pages < 200; pages++) {
              const query: string = `status=${status}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
              const answer = await call(api.url, 'GET', `/api/v1/exceptions?${query}`, {
                token: tokens.viewer,
              });
              assert.equal(answer.status, 200, answer.text);
              const page = answer.body.exceptions as { id: string; status: string }[];
              cursor = answer.body.next as string | null;
              assert.ok(page.length === 1 || cursor === null, `a short page of ${status} before the end`);
              for (const e of page) assert.equal(e.status, status);
              ids.push(...page.map((e) => e.id));
              if (cursor === null) return ids;
            }
            assert.fail('the pages did not end');
          };
          assert.ok((await walk('active')).includes(String(active.body.id)));
          assert.ok((await walk('unapproved')).includes(String(unapproved.body.id)));
          assert.ok((await walk('revoked')).includes(String(revoked.body.id)));
        } finally {
          for (const id of created) {
            await call(api.url, 'DELETE', `/api/v1/exceptions/${id}`, { token: tokens.admin });
          }
        }
      });

      it('covers the advisory while active, shows in the release, and fails the gate again once expired', async () => {
        const created = await createException(tokens.admin, 1);
        await call(api.url, 'POST', `/api/v1/exceptions/${String(created.body.id)}/approval`, {
          token: tokens.admin2,
        });
        const release = await submitted(tokens.submitter, VULNERABLE_WHEEL);
        assert.equal(release.state, 'awaiting_approval');
        assert.deepEqual(
          release.decision!.rules.find((r) => r.rule === 'critical-fixable')?.status,
          'pass-with-exception',
        );
        assert.deepEqual(
          release.decision!.exceptions.map((e) => [e.id, e.state]),
          [[created.body.id, 'applied']],
        );
        assert.match(JSON.stringify(release.evidence!.exceptions), new RegExp(String(created.body.id)));
        const listed = await call(api.url, 'GET', '/api/v1/exceptions?project=acme', {
          token: tokens.viewer,
        });
        assert.ok((listed.body.exceptions as { id: string }[]).some((e) => e.id === created.body.id));

        const second = await submitted(tokens.submitter, VULNERABLE_WHEEL);
        assert.equal(second.state, 'awaiting_approval');

        setNow(new Date(now.getTime() + 2 * 86_400_000));
        // An approval judges the release again: the expired exception rejects it, and the CLI says so.
        const late = await runCli(['gate', 'approve', second.id, '--comment', 'ok', '--server', api.url], {
          env: { RAYGATE_TOKEN: tokens.approver },
        });
        assert.equal(late.code, 1, late.stderr);
        assert.match(late.stderr, new RegExp(`Approved: ${second.id} is now rejected`));
        await api.queue.enqueue({ queue: GATE_QUEUES.reevaluate, payload: { reason: 'test' } });
        const after = await settle(release.id, (r) => r.state !== 'awaiting_approval');
        assert.equal(after.state, 'rejected');
        assert.deepEqual(
          after.decision!.exceptions.map((e) => [e.id, e.state]),
          [[created.body.id, 'expired']],
        );
        const exception = await call(api.url, 'GET', `/api/v1/exceptions/${String(created.body.id)}`, {
          token: tokens.viewer,
        });
        assert.equal(exception.body.status, 'expired');
        await call(api.url, 'DELETE', `/api/v1/exceptions/${String(created.body.id)}`, {
          token: tokens.admin,
        });
      });
    });

    describe('when an exception covers a signature failure', () => {
      const expiresIn = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
      it('lets an unsigned artifact through only while an approved exception names its digest and rule', async () => {
        const unsigned = await submitted(tokens.submitter, CLEAN_WHEEL, { policy: 'signatures-required' });
        assert.deepEqual([unsigned.state, unsigned.verdict], ['rejected', 'deny']);

        const artifact = wheelArtifact(CLEAN_WHEEL, 'signed-later');
        const created = await call(api.url, 'POST', '/api/v1/exceptions', {
          token: tokens.admin,
          json: {
            project: 'acme',
            scope: { kind: 'artifact', digest: `sha256:${artifact.sha256}` },
            rules: ['signatures'],
            reason: 'signed out of band until the release workflow signs wheels',
            owner: 'release@acme.example',
            expiresAt: expiresIn(7),
          },
        });
        assert.equal(created.status, 201, created.text);
        const id = String(created.body.id);
        const body = {
          project: 'acme',
          version: '8.0.0',
          policy: 'signatures-required',
          artifacts: [artifact],
        };
        const beforeApproval = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: body,
        });
        const stillDenied = await settle(String(beforeApproval.body.id));
        assert.equal(stillDenied.state, 'rejected', 'an unapproved exception covers nothing');

        await call(api.url, 'POST', `/api/v1/exceptions/${id}/approval`, { token: tokens.admin2 });
        const answer = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: body,
        });
        const excepted = await settle(
          String(answer.body.id),
          (r) => r.state === 'approved' && r.vsa !== 'pending',
        );
        assert.deepEqual(
          excepted.decision!.rules.map((r) => [r.rule, r.status]),
          [['signatures', 'pass-with-exception']],
        );
        assert.deepEqual(
          excepted.decision!.exceptions.map((e) => [e.id, e.state]),
          [[id, 'applied']],
        );
        await call(api.url, 'DELETE', `/api/v1/exceptions/${id}`, { token: tokens.admin });
      });
    });

    describe('when credentials are expired or revoked', () => {
      it('answers 401 on every gate route', async () => {
        const expiring = await api.issue('admin', [], new Date(now.getTime() + 60_000));
        const revoked = await api.issue('admin');
        assert.equal(
          (await call(api.url, 'DELETE', `/api/v1/tokens/${revoked.id}`, { token: tokens.admin })).status,
          200,
        );
        setNow(new Date(now.getTime() + 120_000));
        for (const token of [expiring.token, revoked.token, 'rg_forged']) {
          for (const [method, path] of [
            ['GET', '/api/v1/releases'],
            ['POST', '/api/v1/releases'],
            ['POST', '/api/v1/exceptions'],
          ] as const) {
            const answer = await call(api.url, method, path, {
              token,
              ...(method === 'POST' ? { json: {} } : {}),
            });
            assert.equal(answer.status, 401, `${method} ${path}`);
          }
        }
      });
    });

    describe('when the request is malformed', () => {
      it('refuses a listing cursor it did not give', async () => {
        const forged = Buffer.from('not-a-cursor').toString('base64url');
        for (const path of ['/api/v1/releases', '/api/v1/exceptions']) {
          const answer = await call(api.url, 'GET', `${path}?cursor=${forged}`, { token: tokens.viewer });
          assert.deepEqual([answer.status, errorCode(answer)], [400, 'REQUEST_INVALID'], path);
          assert.match(answer.text, /cursor is not one this server gave/);
        }
      });

      it('answers 400 for broken JSON, unknown fields and schema violations, 413 over the limit', async () => {
        const broken = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          body: '{"project": "acme",',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(broken.status, 400);
        const unknown = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: { project: 'acme', version: '1', artifacts: [wheelArtifact(CLEAN_WHEEL)], sneaky: true },
        });
        assert.deepEqual([unknown.status, errorCode(unknown)], [400, 'REQUEST_INVALID']);
        assert.match(unknown.text, /unknown property 'sneaky'/);
        const tagged = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: {
            project: 'acme',
            version: '1',
            artifacts: [{ kind: 'image', image: 'ghcr.io/acme/ray:latest' }],
          },
        });
        assert.deepEqual([tagged.status, errorCode(tagged)], [422, 'GATE_SUBMISSION_INVALID']);
        const huge = await call(api.url, 'POST', '/api/v1/releases', {
          token: tokens.submitter,
          json: {
            project: 'acme',
            version: '1',
            artifacts: [wheelArtifact(CLEAN_WHEEL)],
            documents: [{ role: 'lock-file', name: 'requirements.txt', content: 'A'.repeat(70_000) }],
          },
        });
        assert.deepEqual([huge.status, errorCode(huge)], [413, 'BODY_TOO_LARGE']);
        const longComment = await call(api.url, 'POST', '/api/v1/releases/rel_x/approvals', {
          token: tokens.approver,
          json: { comment: 'x'.repeat(20_000) },
        });
        assert.equal(longComment.status, 413);
        const noComment = await call(api.url, 'POST', '/api/v1/releases/rel_x/approvals', {
          token: tokens.approver,
          json: {},
        });
        assert.deepEqual([noComment.status, errorCode(noComment)], [400, 'REQUEST_INVALID']);
      });
    });

    describe('when each role calls each route', () => {
      it('grants exactly what the role table says, on every documented route', async () => {
        const release = await submitted(tokens.submitter, CLEAN_WHEEL);
        const doc = (await call(api.url, 'GET', '/api/openapi.json')).body as {
          paths: Record<string, Record<string, { 'x-raygate-permission': Permission | 'public' }>>;
        };
        // Unscoped tokens: what a role may do anywhere (scoped ones are checked per project above).
        const roleTokens = {} as Record<Role, string>;
        for (const role of ROLES) roleTokens[role] = (await api.issue(role)).token;
        let checked = 0;
        for (const [template, operations] of Object.entries(doc.paths)) {
          const path = template
            .replace('{id}', template.includes('exceptions') ? 'exc_none' : release.id)
            .replace('{n}', '0')
            .replace('{name}', 'gate-test');
          for (const [method, op] of Object.entries(operations)) {
            const permission = op['x-raygate-permission'];
            if (permission === 'public') continue;
            for (const role of ROLES) {
              // Mutations carry a body the schema refuses: allowed roles get 400/404, never a change.
              const answer = await call(api.url, method.toUpperCase(), path, {
                token: roleTokens[role],
                ...(method === 'post' ? { json: { unexpected: true } } : {}),
                ...(path.endsWith('/events') ? { headers: { accept: 'application/json' } } : {}),
              });
              const forbidden = answer.status === 403 && errorCode(answer) === 'FORBIDDEN';
              assert.equal(
                forbidden,
                !roleGrants(role, permission),
                `${role} ${method} ${template} (${permission}): ${answer.status} ${answer.text.slice(0, 200)}`,
              );
              checked++;
            }
          }
        }
        assert.ok(checked >= 4 * 20, `checked ${checked} role × route pairs`);
      });
    });

    describe('the OpenAPI document', () => {
      it('is valid OpenAPI 3.1 and documents the gate bodies the server validates with', async () => {
        const doc = (await call(api.url, 'GET', '/api/openapi.json')).body;
        const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
        assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
        const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
        const body = (op: Record<string, unknown>) =>
          (op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']!
            .schema;
        assert.deepEqual(body(paths['/api/v1/releases']!.post!), SUBMISSION_SCHEMA);
        assert.equal(paths['/api/v1/releases']!.post!['x-raygate-max-body-bytes'], 65536);
        assert.deepEqual(
          (body(paths['/api/v1/releases/{id}/approvals']!.post!) as { required: string[] }).required,
          ['comment'],
        );
        for (const route of api.app.routes) {
          const op = paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
          assert.ok(op, `${route.method} ${route.path}`);
          // Every body, path and query parameter schema is the one the route validates with.
          if (route.body) assert.deepEqual(body(op), route.body, `${route.name} body`);
          else assert.equal(op.requestBody, undefined, `${route.name} takes no body`);
          const parameters = (op.parameters ?? []) as { name: string; in: string; schema: unknown }[];
          for (const [where, schema] of [
            ['path', route.params],
            ['query', route.query],
          ] as const) {
            const declared = Object.entries((schema?.properties ?? {}) as Record<string, unknown>);
            assert.deepEqual(
              parameters.filter((p) => p.in === where).map((p) => [p.name, p.schema]),
              declared,
              `${route.name} ${where} parameters`,
            );
          }
        }
      });
    });
  });
}
