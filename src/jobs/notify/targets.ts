import type { Digest } from '../../advisories/digest/index.ts';

/** A destination with its secrets resolved, ready to send to. */
export type NotifyTarget = WebhookTarget | SlackTarget | GithubIssueTarget;

export interface WebhookTarget {
  type: 'webhook';
  name: string;
  url: string;
  /** Shared secret for the HMAC signature; deliveries are unsigned without one. */
  secret?: string;
}

export interface SlackTarget {
  type: 'slack';
  name: string;
  url: string;
}

export interface GithubIssueTarget {
  type: 'github-issue';
  name: string;
  /** `owner/repo`. */
  repository: string;
  /** `https://api.github.com`, or a GitHub Enterprise Server's `https://host/api/v3`. */
  apiUrl: string;
  token: string;
  labels: string[];
}

/** One delivery of one digest to one target. */
export interface DeliveryRequest {
  digest: Digest;
  /** The same for every attempt of this digest to this destination: receivers deduplicate on it. */
  key: string;
  /** Where the whole digest can be read, linked when a message leaves entries out. */
  fullDigestUrl?: string;
  now: Date;
}

export interface DeliveryReceipt {
  status: number;
  /** The issue's URL for GitHub; absent otherwise. */
  url?: string;
  /** True when an earlier attempt had already delivered it (found again, not sent twice). */
  alreadyDelivered?: boolean;
}
