import { checkUrl, type DigestConfig, type DigestDestinationConfig } from '../../config/digest-config.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { NotifyTarget } from '../notify/targets.ts';

/**
 * A configured destination with its secrets read from the environment, at delivery time (a rotated secret
 * is used on the next delivery without a restart). A URL from the environment is held to the same
 * allow-list as one written in the file.
 */
export function resolveTarget(
  destination: DigestDestinationConfig,
  config: Pick<DigestConfig, 'allowedHosts'>,
  env: Readonly<Record<string, string | undefined>>,
): NotifyTarget {
  const where = `digest.destinations[${destination.name}]`;
  const read = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (!value)
      throw new RaygateError(
        'NOTIFY_SECRET_MISSING',
        'usage',
        `${where}: the environment variable ${name} (${what}) is not set.`,
      );
    return value;
  };
  switch (destination.type) {
    case 'webhook': {
      const url = destination.url ?? read(destination.urlEnv!, 'the webhook URL');
      checkUrl(url, config, where);
      return {
        type: 'webhook',
        name: destination.name,
        url,
        ...(destination.secretEnv ? { secret: read(destination.secretEnv, 'the signing secret') } : {}),
      };
    }
    case 'slack': {
      const url = destination.url ?? read(destination.urlEnv!, 'the Slack webhook URL');
      checkUrl(url, config, where);
      return { type: 'slack', name: destination.name, url };
    }
    case 'github-issue':
      checkUrl(destination.apiUrl, config, where);
      return {
        type: 'github-issue',
        name: destination.name,
        repository: destination.repository,
        apiUrl: destination.apiUrl,
        token: read(destination.tokenEnv, 'a GitHub token that may open issues'),
        labels: destination.labels,
      };
  }
}

/** The destinations a project's digests go to. */
export function destinationsFor(config: DigestConfig, project: string): DigestDestinationConfig[] {
  return config.destinations.filter((d) => !d.projects || d.projects.includes(project));
}
