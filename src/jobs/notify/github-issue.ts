import { markdownTitle, renderMarkdown } from '../../advisories/digest/index.ts';
import { RaygateError } from '../../shared/errors.ts';
import { sendNotification, type NotifyPolicy, type NotifyResponse } from './http.ts';
import type { DeliveryReceipt, DeliveryRequest, GithubIssueTarget } from './targets.ts';

/** Every digest issue carries this label: it is how an earlier attempt's issue is found again. */
export const DIGEST_LABEL = 'raygate-digest';

interface IssueJson {
  number: number;
  html_url: string;
  body?: string | null;
}

/**
 * Opens one GitHub issue per digest (`POST /repos/{owner}/{repo}/issues`) on github.com or a GitHub
 * Enterprise Server. The body carries a hidden marker with the delivery key; before creating, the recent
 * issues with the digest label are searched for it, so a retry after a lost response finds the issue the
 * first attempt created instead of opening a second one.
 */
export async function deliverGithubIssue(
  target: GithubIssueTarget,
  request: DeliveryRequest,
  policy: NotifyPolicy,
): Promise<DeliveryReceipt> {
  const [owner, repo] = target.repository.split('/');
  const base = `${target.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}/issues`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${target.token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'raygate-digest',
  };
  const marker = `raygate-digest-delivery: ${request.key}`;
  const labels = [...new Set([DIGEST_LABEL, ...target.labels])];

  const search = new URL(base);
  search.search = new URLSearchParams({
    labels: DIGEST_LABEL,
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: '50',
  }).toString();
  const listed = await sendNotification(search, { method: 'GET', headers }, policy, rateLimited);
  check(listed, 200, target, 'list issues');
  const existing = parseJson<IssueJson[]>(listed, target).find((i) => i.body?.includes(marker));
  if (existing) return { status: 200, url: existing.html_url, alreadyDelivered: true };

  const body = renderMarkdown(request.digest, {
    marker,
    ...(request.fullDigestUrl ? { fullDigestUrl: request.fullDigestUrl } : {}),
  });
  const created = await sendNotification(
    new URL(base),
    {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ title: markdownTitle(request.digest), body, labels }),
    },
    policy,
    rateLimited,
  );
  check(created, 201, target, 'create the issue');
  const issue = parseJson<IssueJson>(created, target);
  return { status: created.status, url: issue.html_url };
}

/** GitHub's rate limits answer 403 with `x-ratelimit-remaining: 0` (or 429): wait until the reset. */
function rateLimited(response: NotifyResponse): number | undefined {
  if (response.status !== 403 || response.headers['x-ratelimit-remaining'] !== '0') return undefined;
  const reset = Number(response.headers['x-ratelimit-reset']);
  return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) : 60_000;
}

function check(response: NotifyResponse, expected: number, target: GithubIssueTarget, what: string): void {
  if (response.status === expected) return;
  let message = response.text.slice(0, 300);
  try {
    message = (JSON.parse(response.text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  throw new RaygateError(
    response.status === 401 ? 'NOTIFY_UNAUTHORIZED' : 'NOTIFY_REJECTED',
    'input',
    `GitHub (${target.repository}) would not ${what}: HTTP ${response.status} ${message}`.trim(),
  );
}

function parseJson<T>(response: NotifyResponse, target: GithubIssueTarget): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new RaygateError(
      'NOTIFY_UNAVAILABLE',
      'unavailable',
      `GitHub (${target.repository}) answered with something that is not JSON.`,
    );
  }
}
