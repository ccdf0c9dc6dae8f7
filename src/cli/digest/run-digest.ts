import {
  compareSnapshots,
  isEmptyDigest,
  normalizeSnapshot,
  observeFindings,
  renderMarkdown,
  renderSlack,
  SNAPSHOT_SCHEMA,
  toSnapshotSource,
  withdrawnRecorder,
  type Digest,
  type DigestSnapshot,
  type SnapshotRelease,
} from '../../advisories/digest/index.ts';
import { OsvMirror } from '../../advisories/osv-mirror-reader.ts';
import type { AdvisorySource } from '../../advisories/source.ts';
import { deliver } from '../../jobs/notify/deliver.ts';
import { checkDestinationUrl, DEFAULT_NOTIFY_POLICY, type NotifyPolicy } from '../../jobs/notify/http.ts';
import type { NotifyTarget } from '../../jobs/notify/targets.ts';
import { isRaygateError, RaygateError } from '../../shared/errors.ts';
import { atLeast } from '../../shared/severity.ts';
import { mirrorDir } from '../advisory-options.ts';
import type { DigestOptions } from '../commands/digest.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { say, writeOutput } from '../output.ts';
import { readDigestInput, readSnapshot, type DigestInput } from './digest-inputs.ts';

/**
 * `raygate digest`: inputs → snapshot → compared with the previous one → printed, delivered, and the new
 * snapshot written. The snapshot is written only when every delivery succeeded, so a failed delivery is
 * reported again by the next run instead of being lost.
 */
export async function runDigest(
  inputs: string[],
  options: DigestOptions,
  context: CliContext,
): Promise<void> {
  const now = new Date();
  const targets = deliveryTargets(options, process.env);
  const policy: NotifyPolicy = {
    ...DEFAULT_NOTIFY_POLICY,
    allowedHosts: targets.map((t) => new URL(t.type === 'github-issue' ? t.apiUrl : t.url).host),
    allowPrivate: options.allowPrivateHost,
  };
  for (const t of targets) checkDestinationUrl(new URL(t.type === 'github-issue' ? t.apiUrl : t.url), policy);

  const read: DigestInput[] = [];
  for (const file of inputs) read.push(await readDigestInput(file));
  const keys = new Set<string>();
  for (const input of read) {
    if (keys.has(input.key))
      throw new RaygateError(
        'INPUT_INVALID',
        'usage',
        `Two inputs describe the same release (${input.label}).`,
      );
    keys.add(input.key);
  }
  const previous = options.previous ? await readSnapshot(options.previous) : undefined;

  const needsSource = read.some((i) => i.kind === 'sbom');
  const source = needsSource ? await openSource(options) : undefined;
  let digest: Digest;
  let snapshot: DigestSnapshot;
  try {
    const recorder = source ? withdrawnRecorder(source) : undefined;
    const releases: SnapshotRelease[] = [];
    for (const input of read) {
      const findings =
        input.kind === 'scan' ? input.findings : await observeFindings(input.packages, recorder!.source, now);
      releases.push({
        key: input.key,
        label: input.label,
        ...(input.version ? { version: input.version } : {}),
        artifacts: [{ name: input.label, findings }],
      });
    }
    snapshot = normalizeSnapshot({
      schema: SNAPSHOT_SCHEMA,
      takenAt: now.toISOString(),
      ...(source ? { source: toSnapshotSource(source.info()) } : {}),
      releases,
    });
    digest = compareSnapshots(previous, snapshot, {
      generatedAt: now,
      ...(recorder ? { withdrawn: recorder.withdrawn } : {}),
    });
  } finally {
    if (source instanceof OsvMirror) await source.close();
  }

  const rendered =
    options.format === 'json'
      ? `${JSON.stringify(digest, null, 2)}\n`
      : options.format === 'slack'
        ? `${JSON.stringify(renderSlack(digest), null, 2)}\n`
        : renderMarkdown(digest);
  await writeOutput(rendered, options.output);

  const empty = isEmptyDigest(digest);
  const failures: RaygateError[] = [];
  if (targets.length > 0 && empty && !options.sendEmpty)
    say('raygate: nothing new; nothing delivered (--send-empty sends it anyway).');
  else {
    for (const target of targets) {
      try {
        const receipt = await deliver(
          target,
          { digest, key: `raygate-digest:${digest.id}:${target.type}`, now },
          policy,
        );
        say(
          `raygate: digest ${receipt.alreadyDelivered ? 'was already delivered' : 'delivered'} to ${target.name}${receipt.url ? ` (${receipt.url})` : ''}.`,
        );
      } catch (error) {
        if (!isRaygateError(error)) throw error;
        say(`raygate: ${error.code}: ${error.message}`);
        failures.push(error);
      }
    }
  }

  if (failures.length > 0) {
    say('raygate: the snapshot was not updated, so the next run reports these changes again.');
    const usage = failures.find((f) => f.kind === 'usage');
    throw (
      usage ??
      new RaygateError(
        'NOTIFY_FAILED',
        'unavailable',
        `${failures.length} of ${targets.length} deliveries failed.`,
      )
    );
  }
  if (options.snapshotOut) await writeOutput(`${JSON.stringify(snapshot, null, 2)}\n`, options.snapshotOut);

  if (
    options.failOn &&
    digest.entries.some(
      (e) => e.status !== 'resolved' && e.severity !== 'unknown' && atLeast(e.severity, options.failOn!),
    )
  )
    context.setExitCode(EXIT.findings);
}

function deliveryTargets(options: DigestOptions, env: NodeJS.ProcessEnv): NotifyTarget[] {
  const targets: NotifyTarget[] = [];
  const fromEnv = (name: string, what: string): string => {
    const value = env[name]?.trim();
    if (!value)
      throw new RaygateError(
        'NOTIFY_SECRET_MISSING',
        'usage',
        `The environment variable ${name} (${what}) is not set.`,
      );
    return value;
  };
  if (options.webhook) {
    const secret = env[options.webhookSecretEnv]?.trim();
    if (!secret)
      say(`raygate: note: ${options.webhookSecretEnv} is not set; the webhook delivery is not signed.`);
    targets.push({
      type: 'webhook',
      name: 'webhook',
      url: parseUrl(options.webhook, '--webhook'),
      ...(secret ? { secret } : {}),
    });
  }
  if (options.slackWebhook || options.slackWebhookEnv) {
    if (options.slackWebhook && options.slackWebhookEnv)
      throw new RaygateError(
        'OPTION_INVALID',
        'usage',
        'Give --slack-webhook or --slack-webhook-env, not both.',
      );
    const url = options.slackWebhook ?? fromEnv(options.slackWebhookEnv!, 'the Slack webhook URL');
    targets.push({ type: 'slack', name: 'slack', url: parseUrl(url, '--slack-webhook') });
  }
  if (options.githubRepo) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.githubRepo))
      throw new RaygateError('OPTION_INVALID', 'usage', '--github-repo must be owner/repo.');
    targets.push({
      type: 'github-issue',
      name: `github:${options.githubRepo}`,
      repository: options.githubRepo,
      apiUrl: options.githubApiUrl,
      token: fromEnv(options.githubTokenEnv, 'a GitHub token that may open issues'),
      labels: options.githubLabel,
    });
  }
  return targets;
}

function parseUrl(text: string, option: string): string {
  try {
    return new URL(text).href;
  } catch {
    throw new RaygateError('OPTION_INVALID', 'usage', `${option} must be a URL.`);
  }
}

async function openSource(options: DigestOptions): Promise<AdvisorySource> {
  if (!options.online) return OsvMirror.open(mirrorDir(options.osvDb));
  const { OsvApiClient } = await import('../../advisories/osv-api-client.ts');
  return new OsvApiClient({ baseUrl: options.osvApiUrl });
}
