import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { resolveTarget } from '../../src/jobs/digest/targets.ts';
import { createSchedules } from '../../src/jobs/schedule.ts';
import { createJobHandlers } from '../../src/jobs/handlers/index.ts';
import { JobRegistry } from '../../src/jobs/job-handler.ts';
import { SILENT_LOGGER } from '../../src/shared/log.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';

const load = (text: string) => loadConfig({}, { path: 'raygate.yaml', text });

describe('the digest configuration', () => {
  describe('when nothing is configured', () => {
    it('has no destinations, so no digest is scheduled', () => {
      const config = loadConfig({});
      assert.deepEqual(config.digest.destinations, []);
      assert.equal(config.digest.everyMs, 86_400_000);
      assert.equal(config.digest.sendEmpty, false);
      assert.deepEqual(config.digest.allowedHosts, ['hooks.slack.com', 'api.github.com']);
      assert.ok(!createSchedules({ reevaluateEveryMs: 60_000 }).some((s) => s.name === 'advisory-digest'));
    });
  });

  describe('when destinations are configured', () => {
    const config = load(`
digest:
  everyMs: 3600000
  approvedWithinDays: 30
  allowedHosts: [hooks.slack.com, github.acme.example, hooks.acme.example]
  destinations:
    - {name: siem, type: webhook, url: 'https://hooks.acme.example/raygate', secretEnv: SIEM_SECRET}
    - {name: chat, type: slack, projects: [ray-images]}
    - {name: issues, type: github-issue, repository: acme/security, apiUrl: 'https://github.acme.example/api/v3/', labels: [security]}
`);

    it('fills in defaults: Slack URL and GitHub token from the environment, GHES base URL without a trailing slash', () => {
      assert.deepEqual(
        config.digest.destinations.map((d) => [d.name, d.type, 'urlEnv' in d ? d.urlEnv : undefined]),
        [
          ['siem', 'webhook', undefined],
          ['chat', 'slack', 'RAYGATE_SLACK_WEBHOOK_URL'],
          ['issues', 'github-issue', undefined],
        ],
      );
      const issues = config.digest.destinations[2]!;
      assert.ok(issues.type === 'github-issue');
      assert.equal(issues.apiUrl, 'https://github.acme.example/api/v3');
      assert.equal(issues.tokenEnv, 'GITHUB_TOKEN');
    });

    it('schedules the digest job with a payload its handler accepts', () => {
      const schedule = createSchedules({
        reevaluateEveryMs: 60_000,
        digestEveryMs: config.digest.everyMs,
      }).find((s) => s.name === 'advisory-digest');
      assert.ok(schedule);
      assert.equal(schedule.everyMs, 3_600_000);
      const registry = new JobRegistry(
        createJobHandlers({ db: {} as never, log: SILENT_LOGGER, now: () => new Date(), gate: {} as never }),
      );
      registry.check(schedule.queue, schedule.payload);
    });

    it('reads secrets from the environment at delivery, and holds a URL from there to the allow-list', async () => {
      const chat = config.digest.destinations[1]!;
      assert.deepEqual(
        resolveTarget(chat, config.digest, {
          RAYGATE_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
        }),
        { type: 'slack', name: 'chat', url: 'https://hooks.slack.com/services/T/B/x' },
      );
      await assertRejectsWithCode(() => resolveTarget(chat, config.digest, {}), 'NOTIFY_SECRET_MISSING');
      await assertRejectsWithCode(
        () => resolveTarget(chat, config.digest, { RAYGATE_SLACK_WEBHOOK_URL: 'https://169.254.169.254/x' }),
        'CONFIG_INVALID',
      );
      const siem = resolveTarget(config.digest.destinations[0]!, config.digest, { SIEM_SECRET: 's3cret' });
      assert.deepEqual(siem, {
        type: 'webhook',
        name: 'siem',
        url: 'https://hooks.acme.example/raygate',
        secret: 's3cret',
      });
    });
  });

  describe('when the file is wrong', () => {
    for (const [what, text, message] of [
      [
        'a host not on the allow-list',
        `digest: {destinations: [{name: a, type: webhook, url: 'https://evil.example/x'}]}`,
        /digest\.destinations\[a\] points at evil\.example, which digest\.allowedHosts does not list/,
      ],
      [
        'a webhook without a URL',
        `digest: {destinations: [{name: a, type: webhook}]}`,
        /needs exactly one of url and urlEnv/,
      ],
      [
        'a setting of another destination type',
        `digest: {destinations: [{name: a, type: slack, repository: x/y}]}`,
        /unknown setting 'repository'|must match exactly one schema/,
      ],
      [
        'two destinations with one name',
        `digest: {destinations: [{name: a, type: slack}, {name: a, type: slack}]}`,
        /digest\.destinations\[a\] is named twice/,
      ],
      ['a schedule shorter than a minute', `digest: {everyMs: 1000}`, /everyMs must be >= 60000/],
    ] as const) {
      it(`refuses ${what} with CONFIG_INVALID`, async () => {
        const error = await assertRejectsWithCode(() => load(text), 'CONFIG_INVALID');
        assert.match(error.message, message);
      });
    }
  });
});

describe('docs/digests.md', () => {
  it('shows a configuration raygate accepts', async () => {
    const { readFile } = await import('node:fs/promises');
    const { REPO_ROOT } = await import('../support/run-cli.ts');
    const doc = await readFile(`${REPO_ROOT}/docs/digests.md`, 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const config = loadConfig({}, { path: 'docs/digests.md', text: yaml });
    assert.deepEqual(
      config.digest.destinations.map((d) => d.type),
      ['webhook', 'slack', 'github-issue'],
    );
  });
});
