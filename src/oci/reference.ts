import { RaygateError } from '../shared/errors.ts';
import { isDigest } from './descriptor.ts';

/** An image reference split the way the Docker/OCI distribution tools split it. */
export interface ImageReference {
  /** Registry host as named (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Repository path (`library/ubuntu`, `rayproject/ray`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Parses `[registry/]repository[:tag][@digest]`; a bare name means Docker Hub, as in docker pull. */
export function parseImageReference(value: string): ImageReference {
  const fail = (why: string) =>
    new RaygateError('OCI_REFERENCE_INVALID', 'usage', `'${value}' is not an image reference: ${why}.`);
  if (value.length === 0 || value.length > 512) throw fail('empty or too long');
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw fail('the digest is not sha256:<64 hex> or sha512:<128 hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw fail(`the tag '${tag}' is invalid`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  ) {
    registry = first.toLowerCase();
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const part of parts)
    if (!COMPONENT.test(part)) throw fail(`'${part}' is not a valid repository name component`);
  const reference: ImageReference = { registry, repository: parts.join('/') };
  if (tag) reference.tag = tag;
  if (digest) reference.digest = digest;
  if (!tag && !digest) reference.tag = 'latest';
  return reference;
}

/** The host the HTTP API lives on (Docker Hub's API is not on docker.io itself). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
