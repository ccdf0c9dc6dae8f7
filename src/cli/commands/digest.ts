import { Option } from 'commander';
import { OSV_API_URL } from '../../advisories/osv-endpoints.ts';
import { SEVERITIES } from '../../shared/severity.ts';
import { addMirrorOption, baseUrl } from '../advisory-options.ts';
import { formatOption } from '../main.ts';
import type { RegisterCommand } from './index.ts';

export const DIGEST_FORMATS = ['markdown', 'json', 'slack'] as const;

export interface DigestOptions {
  previous?: string;
  snapshotOut?: string;
  format: (typeof DIGEST_FORMATS)[number];
  output?: string;
  online?: boolean;
  osvApiUrl: string;
  osvDb?: string;
  sendEmpty?: boolean;
  failOn?: (typeof SEVERITIES)[number];
  webhook?: string;
  webhookSecretEnv: string;
  slackWebhook?: string;
  slackWebhookEnv?: string;
  githubRepo?: string;
  githubApiUrl: string;
  githubTokenEnv: string;
  githubLabel: string[];
  allowPrivateHost: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerDigest: RegisterCommand = (program, context) =>
  addMirrorOption(
    program
      .command('digest')
      .description(
        'What changed for shipped releases since the last digest: new, changed and resolved advisories, from SBOMs (or `raygate scan --format json` reports) and the previous snapshot.',
      )
      .argument('<input...>', 'CycloneDX JSON SBOMs or raygate scan JSON reports, one per shipped release')
      .option(
        '--previous <snapshot>',
        'the snapshot the previous run wrote (absent: this run is the baseline)',
      )
      .option('--since <snapshot>', 'the same as --previous')
      .option('--snapshot-out <file>', 'write the new snapshot here (atomically), for the next run')
      .addOption(formatOption(DIGEST_FORMATS, 'markdown'))
      .option('-o, --output <file>', 'write the digest to a file (atomically) instead of stdout')
      .option('--send-empty', 'deliver a "nothing new" digest too (default: only print it)')
      .addOption(
        new Option(
          '--fail-on <severity>',
          'exit 1 when a new or changed entry reaches this severity',
        ).choices([...SEVERITIES]),
      )
      .option('--online', 'ask the OSV API instead of the local mirror')
      .addOption(
        new Option('--osv-api-url <url>', 'OSV API base URL')
          .default(OSV_API_URL)
          .argParser(baseUrl('--osv-api-url')),
      )
      .option('--webhook <url>', 'POST the digest JSON here, signed with the secret in --webhook-secret-env')
      .option(
        '--webhook-secret-env <name>',
        'environment variable holding the webhook HMAC secret',
        'RAYGATE_WEBHOOK_SECRET',
      )
      .option('--slack-webhook <url>', 'post the digest to this Slack incoming webhook')
      .option(
        '--slack-webhook-env <name>',
        'read the Slack webhook URL from this environment variable instead',
      )
      .option('--github-repo <owner/repo>', 'open one issue per digest in this repository')
      .addOption(
        new Option(
          '--github-api-url <url>',
          'GitHub API base URL (GitHub Enterprise Server: https://HOST/api/v3)',
        )
          .default('https://api.github.com')
          .argParser(baseUrl('--github-api-url')),
      )
      .option('--github-token-env <name>', 'environment variable holding the GitHub token', 'GITHUB_TOKEN')
      .option('--github-label <label>', 'extra label for the issue (repeatable)', collect, [])
      .option(
        '--allow-private-host <host>',
        'send to this private, loopback or link-local host or CIDR range anyway (repeatable)',
        collect,
        [],
      ),
  )
    .addHelpText(
      'after',
      `
Each input is one shipped release, known by its SBOM's main component (name and version) or file name.
The first run (no --previous) is the baseline; later runs report what changed since the snapshot:
  new       an advisory published since, or an older one that now matches
  changed   severity raised or lowered, a fix now available
  resolved  the advisory was withdrawn, or no longer affects the version
A "nothing new" digest is printed but only delivered with --send-empty. Deliveries carry a key derived
from the digest's content, so a re-run with the same inputs is recognised by receivers (and GitHub
issues are found again rather than opened twice).

Webhook deliveries are signed: X-Raygate-Signature-256: sha256=HMAC(secret, "<X-Raygate-Timestamp>.<body>").

Examples:
  raygate digest sbom.cdx.json --previous digest-state.json --snapshot-out digest-state.json
  raygate digest images/*.cdx.json --previous state.json --snapshot-out state.json \\
    --slack-webhook-env SLACK_WEBHOOK_URL --github-repo acme/security --fail-on high`,
    )
    .action(async (inputs: string[], options: DigestOptions & { since?: string }) => {
      const { runDigest } = await import('../digest/run-digest.ts');
      await runDigest(inputs, { ...options, previous: options.previous ?? options.since }, context);
    });
