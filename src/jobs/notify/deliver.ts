import { deliverGithubIssue } from './github-issue.ts';
import type { NotifyPolicy } from './http.ts';
import { deliverSlack } from './slack.ts';
import type { DeliveryReceipt, DeliveryRequest, NotifyTarget } from './targets.ts';
import { deliverWebhook } from './webhook.ts';

/** Sends one digest to one target. */
export function deliver(
  target: NotifyTarget,
  request: DeliveryRequest,
  policy: NotifyPolicy,
): Promise<DeliveryReceipt> {
  switch (target.type) {
    case 'webhook':
      return deliverWebhook(target, request, policy);
    case 'slack':
      return deliverSlack(target, request, policy);
    case 'github-issue':
      return deliverGithubIssue(target, request, policy);
  }
}
