import { RaygateError } from '../shared/errors.ts';
import { assertAllowedHost } from '../shared/http-client.ts';

/**
 * Advisory digests: how often the service compares its approved releases with the advisories, and where
 * it sends what changed. Without destinations the digest job is not scheduled.
 */
export interface DigestConfig {
  everyMs: number;
  /** Send "nothing new" digests too (default: skip them; they are still recorded). */
  sendEmpty: boolean;
  /** Watch releases approved within this many days; undefined: every approved release. */
  approvedWithinDays: number | undefined;
  /** Hosts destinations may point at. Slack's and GitHub's API hosts are listed by default. */
  allowedHosts: string[];
  /** Hosts, addresses or CIDR ranges allowed although private, loopback or link-local (an internal receiver). */
  allowPrivateHosts: string[];
  destinations: DigestDestinationConfig[];
}

export type DigestDestinationConfig =
  WebhookDestinationConfig | SlackDestinationConfig | GithubIssueDestinationConfig;

interface DestinationBase {
  /** Unique; deliveries are recorded per destination name. */
  name: string;
  /** Only digests of these projects; undefined: every project. */
  projects: string[] | undefined;
}

export interface WebhookDestinationConfig extends DestinationBase {
  type: 'webhook';
  url: string | undefined;
  /** Environment variable holding the URL, when the URL is itself a secret. */
  urlEnv: string | undefined;
  /** Environment variable holding the HMAC secret; unsigned without one. */
  secretEnv: string | undefined;
}

export interface SlackDestinationConfig extends DestinationBase {
  type: 'slack';
  url: string | undefined;
  /** Slack webhook URLs are secrets: keep them in the environment (default `RAYGATE_SLACK_WEBHOOK_URL`). */
  urlEnv: string | undefined;
}

export interface GithubIssueDestinationConfig extends DestinationBase {
  type: 'github-issue';
  /** `owner/repo`. */
  repository: string;
  /** `https://api.github.com` or a GitHub Enterprise Server's `https://host/api/v3`. */
  apiUrl: string;
  /** Environment variable holding the token (issues: write); default `GITHUB_TOKEN`. */
  tokenEnv: string;
  labels: string[];
}

export const DIGEST_CONFIG_DEFAULTS: DigestConfig = {
  everyMs: 24 * 3_600_000,
  sendEmpty: false,
  approvedWithinDays: undefined,
  allowedHosts: ['hooks.slack.com', 'api.github.com'],
  allowPrivateHosts: [],
  destinations: [],
};

const ENV_NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' } as const;
const HTTP_URL = { type: 'string', pattern: '^https?://', maxLength: 2048 } as const;
const common = {
  name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
  projects: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

export const DIGEST_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    everyMs: { type: 'integer', minimum: 60_000 },
    sendEmpty: { type: 'boolean' },
    approvedWithinDays: { type: 'integer', minimum: 1, maximum: 36_500 },
    allowedHosts: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 260 } },
    allowPrivateHosts: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 260 },
    },
    destinations: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['name', 'type'],
        properties: { type: { enum: ['webhook', 'slack', 'github-issue'] } },
        oneOf: [
          {
            additionalProperties: false,
            properties: {
              ...common,
              type: { const: 'webhook' },
              url: HTTP_URL,
              urlEnv: ENV_NAME,
              secretEnv: ENV_NAME,
            },
          },
          {
            additionalProperties: false,
            properties: { ...common, type: { const: 'slack' }, url: HTTP_URL, urlEnv: ENV_NAME },
          },
          {
            additionalProperties: false,
            required: ['repository'],
            properties: {
              ...common,
              type: { const: 'github-issue' },
              repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
              apiUrl: HTTP_URL,
              tokenEnv: ENV_NAME,
              labels: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
            },
          },
        ],
      },
    },
  },
} as const;

/** The `digest` section as the file schema accepted it. */
export interface DigestFileData {
  everyMs?: number;
  sendEmpty?: boolean;
  approvedWithinDays?: number;
  allowedHosts?: string[];
  allowPrivateHosts?: string[];
  destinations?: (Record<string, unknown> & { name: string; type: DigestDestinationConfig['type'] })[];
}

export function applyDigestFile(config: DigestConfig, given: DigestFileData): void {
  const { destinations, ...plain } = given;
  Object.assign(config, plain);
  if (!destinations) return;
  config.destinations = destinations.map((d) => {
    const projects = d.projects as string[] | undefined;
    const str = (key: string) => d[key] as string | undefined;
    switch (d.type) {
      case 'webhook':
        return {
          type: 'webhook',
          name: d.name,
          projects,
          url: str('url'),
          urlEnv: str('urlEnv'),
          secretEnv: str('secretEnv'),
        };
      case 'slack':
        return {
          type: 'slack',
          name: d.name,
          projects,
          url: str('url'),
          urlEnv: str('urlEnv') ?? (str('url') ? undefined : 'RAYGATE_SLACK_WEBHOOK_URL'),
        };
      case 'github-issue':
        return {
          type: 'github-issue',
          name: d.name,
          projects,
          repository: str('repository')!,
          apiUrl: (str('apiUrl') ?? 'https://api.github.com').replace(/\/+$/, ''),
          tokenEnv: str('tokenEnv') ?? 'GITHUB_TOKEN',
          labels: (d.labels as string[] | undefined) ?? [],
        };
    }
  });
}

/** Cross-field checks: unique names, one URL source each, URLs on the allow-list. */
export function checkDigest(config: DigestConfig): void {
  const names = new Set<string>();
  for (const d of config.destinations) {
    const where = `digest.destinations[${d.name}]`;
    if (names.has(d.name)) throw invalid(where, 'is named twice');
    names.add(d.name);
    if (d.type === 'webhook' && (d.url === undefined) === (d.urlEnv === undefined))
      throw invalid(where, 'needs exactly one of url and urlEnv');
    if (d.type === 'slack' && d.url !== undefined && d.urlEnv !== undefined)
      throw invalid(where, 'takes url or urlEnv, not both');
    const literal = d.type === 'github-issue' ? d.apiUrl : d.url;
    if (literal !== undefined) checkUrl(literal, config, where);
  }
}

/** A destination URL (from the file or, at delivery, from the environment) against the allow-list. */
export function checkUrl(text: string, config: Pick<DigestConfig, 'allowedHosts'>, where: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(where, 'has a URL that does not parse');
  }
  try {
    assertAllowedHost(url, config.allowedHosts, { name: 'notification', codePrefix: 'NOTIFY' });
  } catch (error) {
    throw invalid(where, `points at ${url.host}, which digest.allowedHosts does not list`, error);
  }
  return url;
}

function invalid(setting: string, reason: string, cause?: unknown): RaygateError {
  return new RaygateError('CONFIG_INVALID', 'usage', `${setting} ${reason}`, cause ? { cause } : {});
}
