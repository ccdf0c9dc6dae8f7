import { Option } from 'commander';
import type { RegisterCommand } from './index.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface GateConnectionOptions {
  server: string;
  oidcAudience?: string;
  format: 'text' | 'json';
}

export interface GateSubmitOptions extends GateConnectionOptions {
  project: string;
  version: string;
  image: string[];
  file: string[];
  sbom: string[];
  bundle: string[];
  lock: string[];
  manifest: string[];
  policy?: string;
  gitRepository?: string;
  gitRef?: string;
  gitCommit?: string;
  wait?: boolean;
  timeout: string;
}

export interface GateReviewOptions extends GateConnectionOptions {
  comment: string;
}

const SUBMIT_HELP = `
Artifacts: --image REGISTRY/REPO@sha256:… (repeatable; the registry must be one the gate reads) and --file PATH
(repeatable: wheels, sdists or any file; sent by name and sha256, never uploaded). Documents are uploaded:
--sbom and --bundle attach to an artifact, written ARTIFACT=FILE (ARTIFACT is the image reference or the
file's path or name) or just FILE when there is one artifact; --lock (requirements or lock files) and
--manifest (Ray deployment files) belong to the release, under the path given.

Credentials: RAYGATE_TOKEN, else the GitHub Actions OIDC token (needs "permissions: id-token: write"),
requested for --oidc-audience (default: the server's host name). Git facts default to GITHUB_REPOSITORY,
GITHUB_REF and GITHUB_SHA.

With --wait the command follows the release (server-sent events, reconnecting as needed) until it is
approved (exit 0) or rejected (exit 1); past --timeout it exits 4 and the release goes on without it.
Resubmitting the same content returns the same release, so a retried CI job waits for the one it created.

Examples:
  raygate gate submit --server https://raygate.example.com --project ray-images --version 2.58.0 \\
    --image ghcr.io/acme/ray@sha256:… --lock requirements.txt --manifest deploy/raycluster.yaml --wait --timeout 30m`;

export const registerGate: RegisterCommand = (program, context) => {
  const gate = program
    .command('gate')
    .description('Submit release candidates to a raygate server and follow their decisions.');

  const connection = (command: ReturnType<typeof gate.command>) =>
    command
      .requiredOption(
        '--server <url>',
        'the raygate server (default: $RAYGATE_SERVER)',
        process.env.RAYGATE_SERVER,
      )
      .option(
        '--oidc-audience <audience>',
        "audience of the GitHub Actions OIDC token (default: the server's host name, without port)",
      )
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'),
      );

  connection(
    gate
      .command('submit')
      .description('Submit a release candidate; with --wait, wait for its decision.')
      .requiredOption('--project <project>', 'the project the release belongs to')
      .requiredOption('--version <version>', 'the version being released')
      .option('--image <ref@sha256:digest>', 'an image, by digest (repeatable)', collect, [])
      .option('--file <path>', 'a wheel, sdist or other file, by sha256 (repeatable)', collect, [])
      .option('--sbom <[artifact=]file>', 'a CycloneDX JSON SBOM of an artifact (repeatable)', collect, [])
      .option('--bundle <[artifact=]file>', 'a Sigstore bundle about an artifact (repeatable)', collect, [])
      .option('--lock <file>', 'a requirements or lock file of the release (repeatable)', collect, [])
      .option('--manifest <file>', 'a Ray deployment file (KubeRay, compose, …) (repeatable)', collect, [])
      .option('--policy <name>', "the policy to judge by (default: the server's)")
      .option('--git-repository <url>', 'source repository (default: from GITHUB_REPOSITORY)')
      .option('--git-ref <ref>', 'source ref, e.g. refs/tags/v1.2.0 (default: GITHUB_REF)')
      .option('--git-commit <sha>', 'source commit (default: GITHUB_SHA)')
      .option('--wait', 'wait until the release is approved or rejected')
      .option('--timeout <duration>', 'how long --wait waits: 90s, 30m, 2h', '30m'),
  )
    .addHelpText('after', SUBMIT_HELP)
    .action(async (options: GateSubmitOptions) => {
      const { runGateSubmit } = await import('./gate-run.ts');
      context.setExitCode(await runGateSubmit(options));
    });

  connection(
    gate
      .command('status')
      .description("Show a release's state, decision and rule results.")
      .argument('<id>', 'release id (rel_…)'),
  ).action(async (id: string, options: GateConnectionOptions) => {
    const { runGateStatus } = await import('./gate-run.ts');
    context.setExitCode(await runGateStatus(id, options));
  });

  for (const [name, verb] of [
    ['approve', 'Approve'],
    ['reject', 'Reject'],
  ] as const) {
    connection(
      gate
        .command(name)
        .description(`${verb} a release (needs an approver token; the submitter cannot approve).`)
        .argument('<id>', 'release id (rel_…)')
        .requiredOption('--comment <text>', 'why'),
    ).action(async (id: string, options: GateReviewOptions) => {
      const { runGateReview } = await import('./gate-run.ts');
      context.setExitCode(await runGateReview(name, id, options));
    });
  }
  return gate;
};
