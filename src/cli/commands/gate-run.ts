import { RaygateError } from '../../shared/errors.ts';
import { parseDuration } from '../../shared/duration.ts';
import { EXIT } from '../exit-codes.ts';
import { ciCredential } from '../gate/ci-credential.ts';
import { GateClient, withRetry } from '../gate/gate-client.ts';
import { buildSubmission } from '../gate/submission-builder.ts';
import { say, writeOutput } from '../output.ts';
import { renderTable } from '../table.ts';
import type { GateConnectionOptions, GateReviewOptions, GateSubmitOptions } from './gate.ts';

interface ReleaseView {
  id: string;
  project: string;
  version: string;
  state: string;
  verdict: string | null;
  summary: string | null;
  vsa: string;
  decision?: { rules?: { rule: string; status: string; summary: string }[] } | null;
  approvals?: { actor: string; comment: string }[];
  rejections?: { actor: string; comment: string }[];
}

export async function runGateSubmit(options: GateSubmitOptions, env = process.env): Promise<number> {
  const timeoutMs = parseDuration(options.timeout);
  if (timeoutMs === undefined) {
    throw new RaygateError(
      'USAGE_INVALID',
      'usage',
      `--timeout '${options.timeout}' is not a duration (90s, 30m, 2h).`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  const body = await buildSubmission({
    project: options.project,
    version: options.version,
    images: options.image,
    files: options.file,
    sboms: options.sbom,
    bundles: options.bundle,
    locks: options.lock,
    manifests: options.manifest,
    ...(options.policy ? { policy: options.policy } : {}),
    git: {
      repository: options.gitRepository ?? githubRepositoryUrl(env),
      ref: options.gitRef ?? env.GITHUB_REF,
      commit: options.gitCommit ?? env.GITHUB_SHA,
    },
  });
  const client = await connect(options, env);
  // Resubmitting the same content returns the same release, so a retry after a lost answer is safe.
  const { status, body: created } = await withRetry(
    () => client.json<ReleaseView>('POST', '/api/v1/releases', body),
    deadline,
    (error) => say(`gate: ${(error as Error).message}; retrying`),
  );
  say(
    `${status === 201 ? 'Submitted' : 'Already submitted'}: ${created.id} (${created.project} ${created.version}), ${created.state}`,
  );
  say(`  ${client.base}/releases/${created.id}`);
  if (!options.wait) {
    await print(created, options);
    return EXIT.ok;
  }
  const settled = await follow(client, created.id, deadline);
  const release = (await client.json<ReleaseView>('GET', `/api/v1/releases/${created.id}`)).body;
  await print(release, options);
  if (!settled && !isFinal(release)) {
    say(
      `gate: timed out after ${options.timeout}; ${release.id} is ${release.state} and goes on without this job.`,
    );
    return EXIT.timeout;
  }
  return release.state === 'approved' ? EXIT.ok : EXIT.findings;
}

export async function runGateStatus(
  id: string,
  options: GateConnectionOptions,
  env = process.env,
): Promise<number> {
  const client = await connect(options, env);
  const release = (await client.json<ReleaseView>('GET', `/api/v1/releases/${encodeURIComponent(id)}`)).body;
  await print(release, options);
  return EXIT.ok;
}

export async function runGateReview(
  verb: 'approve' | 'reject',
  id: string,
  options: GateReviewOptions,
  env = process.env,
): Promise<number> {
  const client = await connect(options, env);
  const path = `/api/v1/releases/${encodeURIComponent(id)}/${verb === 'approve' ? 'approvals' : 'rejections'}`;
  const release = (await client.json<ReleaseView>('POST', path, { comment: options.comment })).body;
  say(`${verb === 'approve' ? 'Approved' : 'Rejected'}: ${release.id} is now ${release.state}`);
  await print(release, options);
  // An approval judges the release again: when that rejects it (an exception expired), the gate said no.
  return verb === 'approve' && release.state === 'rejected' ? EXIT.findings : EXIT.ok;
}

async function connect(options: GateConnectionOptions, env: NodeJS.ProcessEnv): Promise<GateClient> {
  if (!options.server) {
    throw new RaygateError(
      'GATE_SERVER_MISSING',
      'usage',
      'Name the gate with --server URL or RAYGATE_SERVER.',
    );
  }
  const audience = options.oidcAudience ?? hostOf(options.server);
  const credential = await ciCredential(env, audience);
  return new GateClient(options.server, credential.token);
}

/**
 * Follows the release's server-sent events until the server says it is settled (`end`), reconnecting
 * with Last-Event-ID after a dropped connection. Returns false when the deadline passes first.
 */
async function follow(client: GateClient, id: string, deadline: number): Promise<boolean> {
  let last: string | undefined;
  let settled = false;
  while (!settled && Date.now() < deadline) {
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    try {
      last = await client.stream(
        `/api/v1/releases/${encodeURIComponent(id)}/events`,
        last,
        signal,
        (event) => {
          if (event.event === 'end') settled = true;
          else if (event.event === 'state') say(`gate: ${describeState(event.data)}`);
        },
      );
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return false;
      if (!(error instanceof RaygateError) || error.kind !== 'unavailable') throw error;
      say(`gate: ${error.message}; reconnecting`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, Math.max(0, deadline - Date.now()))));
    }
  }
  return settled;
}

function describeState(data: string): string {
  try {
    const parsed = JSON.parse(data) as { to?: string; reason?: string };
    return `${parsed.to ?? '?'}${parsed.reason ? ` (${parsed.reason})` : ''}`;
  } catch {
    return data;
  }
}

function isFinal(release: ReleaseView): boolean {
  return release.state === 'rejected' || (release.state === 'approved' && release.vsa !== 'pending');
}

async function print(release: ReleaseView, options: GateConnectionOptions): Promise<void> {
  if (options.format === 'json') {
    await writeOutput(`${JSON.stringify(release, null, 2)}\n`, undefined);
    return;
  }
  const lines = [
    `${release.id}  ${release.project} ${release.version}`,
    `state: ${release.state}   verdict: ${release.verdict ?? '—'}   vsa: ${release.vsa}`,
  ];
  if (release.summary) lines.push(release.summary);
  const rules = release.decision?.rules ?? [];
  if (rules.length > 0) {
    lines.push(
      renderTable(
        ['rule', 'status', 'summary'],
        rules.map((r) => [r.rule, r.status, r.summary]),
      ),
    );
  }
  for (const a of release.approvals ?? []) lines.push(`approved by ${a.actor}: ${a.comment}`);
  for (const r of release.rejections ?? []) lines.push(`rejected by ${r.actor}: ${r.comment}`);
  await writeOutput(`${lines.join('\n')}\n`, undefined);
}

function githubRepositoryUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY) return undefined;
  return `${(env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}
