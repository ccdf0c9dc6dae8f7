import assert from 'node:assert/strict';
import {
  compareSnapshots,
  digestSchemaErrors,
  type Digest,
  type SlackMessage,
} from '../../../src/advisories/digest/index.ts';
import { deliver } from '../../../src/jobs/notify/deliver.ts';
import type { NotifyPolicy } from '../../../src/jobs/notify/http.ts';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../../src/jobs/notify/webhook-signature.ts';
import { ghsa } from '../../advisories/records.ts';
import { observe } from '../../advisories/digest/support.ts';
import { assertRejectsWithCode } from '../../support/assert-code.ts';
import { failingFirst, githubIssues, reply, startReceiver, type Receiver } from './receivers.ts';

const NOW = new Date('2026-11-25T12:00:00Z');
const SECRET = 'shared-secret-for-tests';

const policy = (overrides: Partial<NotifyPolicy> = {}): NotifyPolicy => ({
  allowedHosts: ['127.0.0.1'],
  allowPrivate: ['127.0.0.1'],
  timeoutMs: 5000,
  maxRetries: 2,
  backoffMs: 1,
  maxBackoffMs: 5,
  sleep: async () => {},
  ...overrides,
});

async function sampleDigest(): Promise<Digest> {
  const release = {
    key: 'rel_1',
    label: 'ray-images 2.58.0',
    artifact: { name: 'ray', kind: 'image', digest: `sha256:${'ef'.repeat(32)}` },
    purls: ['pkg:pypi/urllib3@2.2.1'],
  };
  const previous = (await observe([release], [], '2024-06-01T00:00:00Z')).snapshot;
  const current = await observe([release], [ghsa('GHSA-34jh-p97f-mpxf')], '2024-06-20T00:00:00Z');
  return compareSnapshots(previous, current.snapshot, { generatedAt: NOW });
}

describe('notifiers', () => {
  let digest: Digest;
  let receiver: Receiver | undefined;
  before(async () => (digest = await sampleDigest()));
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  describe('the webhook', () => {
    it('POSTs the digest document, signed over timestamp and body, with the delivery key', async () => {
      receiver = await startReceiver((_, res) => reply(res, 204, ''));
      const receipt = await deliver(
        { type: 'webhook', name: 'siem', url: `${receiver.url}/hooks/raygate`, secret: SECRET },
        { digest, key: 'digest:1:siem', now: NOW },
        policy(),
      );
      assert.equal(receipt.status, 204);
      const [request] = receiver.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.path, '/hooks/raygate');
      assert.equal(request!.headers['content-type'], 'application/json');
      assert.equal(request!.headers[WEBHOOK_HEADERS.delivery], 'digest:1:siem');
      assert.equal(request!.headers[WEBHOOK_HEADERS.event], 'advisory-digest');
      const verdict = (secret: string, body = request!.body, now = NOW) =>
        verifyWebhook({
          secret,
          body,
          timestamp: request!.headers[WEBHOOK_HEADERS.timestamp] as string,
          signature: request!.headers[WEBHOOK_HEADERS.signature] as string,
          now,
        });
      assert.equal(verdict(SECRET), 'valid');
      assert.equal(verdict('another secret'), 'bad-signature');
      assert.equal(verdict(SECRET, request!.body.replace('2.2.2', '2.2.3')), 'bad-signature');
      assert.equal(verdict(SECRET, request!.body, new Date(NOW.getTime() + 10 * 60_000)), 'stale');
      const body = JSON.parse(request!.body) as Digest;
      assert.deepEqual(digestSchemaErrors(body), []);
      assert.equal(body.entries[0]!.id, 'CVE-2024-37891');
    });

    it('retries a receiver that fails twice and delivers once', async () => {
      receiver = await startReceiver(failingFirst(2, (_, res) => reply(res, 200, { ok: true })));
      const receipt = await deliver(
        { type: 'webhook', name: 'siem', url: `${receiver.url}/hook`, secret: SECRET },
        { digest, key: 'k', now: NOW },
        policy(),
      );
      assert.equal(receipt.status, 200);
      assert.equal(receiver.requests.length, 3);
      assert.equal(new Set(receiver.requests.map((r) => r.headers[WEBHOOK_HEADERS.delivery])).size, 1);
    });

    it('gives up with NOTIFY_UNAVAILABLE when the receiver keeps failing, and NOTIFY_REJECTED on a 4xx', async () => {
      receiver = await startReceiver(failingFirst(10, (_, res) => reply(res, 200, '')));
      const target = { type: 'webhook' as const, name: 'x', url: `${receiver.url}/hook` };
      await assertRejectsWithCode(
        () => deliver(target, { digest, key: 'k', now: NOW }, policy()),
        'NOTIFY_UNAVAILABLE',
      );
      assert.equal(receiver.requests.length, 3);
      await receiver.close();
      receiver = await startReceiver((_, res) => reply(res, 410, 'gone'));
      await assertRejectsWithCode(
        () => deliver({ ...target, url: `${receiver!.url}/hook` }, { digest, key: 'k', now: NOW }, policy()),
        'NOTIFY_REJECTED',
      );
    });
  });

  describe('the allow-list', () => {
    it('refuses hosts not listed, private addresses not allowed, and plain http to public hosts', async () => {
      receiver = await startReceiver((_, res) => reply(res, 200, ''));
      const send = (url: string, p: NotifyPolicy) =>
        deliver({ type: 'webhook', name: 'x', url }, { digest, key: 'k', now: NOW }, p);
      await assertRejectsWithCode(
        () => send(`${receiver!.url}/hook`, policy({ allowedHosts: ['hooks.example.com'] })),
        'NOTIFY_HOST_NOT_ALLOWED',
      );
      await assertRejectsWithCode(
        () => send(`${receiver!.url}/hook`, policy({ allowPrivate: [] })),
        'NOTIFY_HOST_DENIED',
      );
      await assertRejectsWithCode(
        () =>
          send(
            'https://169.254.169.254/latest/meta-data',
            policy({ allowedHosts: ['169.254.169.254'], allowPrivate: [] }),
          ),
        'NOTIFY_HOST_DENIED',
      );
      // A name is checked on every address it resolves to: localhost is loopback.
      const port = new URL(receiver.url).port;
      await assertRejectsWithCode(
        () =>
          send(`https://localhost:${port}/hook`, policy({ allowedHosts: ['localhost'], allowPrivate: [] })),
        'NOTIFY_HOST_DENIED',
      );
      await assertRejectsWithCode(
        () => send('http://hooks.example.com/hook', policy({ allowedHosts: ['hooks.example.com'] })),
        'NOTIFY_URL_INVALID',
      );
      assert.equal(receiver.requests.length, 0, 'nothing was sent');
    });
  });

  describe('Slack', () => {
    it('posts Block Kit with a text fallback, and a refused payload is NOTIFY_REJECTED', async () => {
      receiver = await startReceiver((_, res) => reply(res, 200, 'ok', 'text/html'));
      await deliver(
        { type: 'slack', name: 'sec', url: `${receiver.url}/services/T0/B0/secret` },
        { digest, key: 'k', now: NOW },
        policy(),
      );
      const message = JSON.parse(receiver.requests[0]!.body) as SlackMessage;
      assert.match(message.text, /1 new advisory affects 1 shipped release/);
      assert.equal(message.blocks[0]!.type, 'header');
      assert.ok(JSON.stringify(message.blocks).includes('CVE-2024-37891'));
      await receiver.close();
      receiver = await startReceiver((_, res) => reply(res, 400, 'invalid_blocks', 'text/html'));
      const error = await assertRejectsWithCode(
        () =>
          deliver(
            { type: 'slack', name: 'sec', url: `${receiver!.url}/services/T0/B0/secret` },
            { digest, key: 'k', now: NOW },
            policy(),
          ),
        'NOTIFY_REJECTED',
      );
      assert.match(error.message, /invalid_blocks/);
      assert.doesNotMatch(error.message, /secret/, 'the webhook path is a secret and stays out of messages');
    });
  });

  describe('GitHub issues', () => {
    it('opens one labelled issue on a GitHub Enterprise base URL, and a repeat finds it instead of opening another', async () => {
      const github = githubIssues({ token: 'ghp_test', prefix: '/api/v3' });
      receiver = await startReceiver(github.handler);
      const target = {
        type: 'github-issue' as const,
        name: 'issues',
        repository: 'acme/ray-images',
        apiUrl: `${receiver.url}/api/v3`,
        token: 'ghp_test',
        labels: ['security'],
      };
      const first = await deliver(target, { digest, key: 'digest:7:issues', now: NOW }, policy());
      assert.equal(first.status, 201);
      assert.equal(first.url, 'https://github.example/acme/ray-images/issues/1');
      assert.equal(github.issues.length, 1);
      assert.deepEqual(github.issues[0]!.labels, ['raygate-digest', 'security']);
      assert.match(
        github.issues[0]!.title,
        /^raygate advisory digest: 1 new advisory affects 1 shipped release$/,
      );
      assert.match(github.issues[0]!.body, /CVE-2024-37891/);
      const post = receiver.requests.find((r) => r.method === 'POST')!;
      assert.equal(post.path, '/api/v3/repos/acme/ray-images/issues');
      assert.equal(post.headers.accept, 'application/vnd.github+json');
      const again = await deliver(target, { digest, key: 'digest:7:issues', now: NOW }, policy());
      assert.equal(again.alreadyDelivered, true);
      assert.equal(github.issues.length, 1);
    });

    it('does not open a second issue when the response to the first was lost', async () => {
      const github = githubIssues({ token: 'ghp_test', failCreates: 1 });
      receiver = await startReceiver(github.handler);
      const target = {
        type: 'github-issue' as const,
        name: 'issues',
        repository: 'acme/ray-images',
        apiUrl: receiver.url,
        token: 'ghp_test',
        labels: [],
      };
      await assertRejectsWithCode(
        () => deliver(target, { digest, key: 'digest:8:issues', now: NOW }, policy({ maxRetries: 0 })),
        'NOTIFY_UNAVAILABLE',
      );
      const retry = await deliver(target, { digest, key: 'digest:8:issues', now: NOW }, policy());
      assert.equal(retry.alreadyDelivered, true);
      assert.equal(github.issues.length, 1);
    });

    it('reports a bad token as NOTIFY_UNAUTHORIZED', async () => {
      const github = githubIssues({ token: 'right' });
      receiver = await startReceiver(github.handler);
      await assertRejectsWithCode(
        () =>
          deliver(
            {
              type: 'github-issue',
              name: 'i',
              repository: 'a/b',
              apiUrl: receiver!.url,
              token: 'wrong',
              labels: [],
            },
            { digest, key: 'k', now: NOW },
            policy(),
          ),
        'NOTIFY_UNAUTHORIZED',
      );
    });
  });
});
