import type { Platform } from '../../oci/descriptor.ts';
import { formatPlatform } from '../../oci/platform.ts';
import { toPurl } from '../../shared/purl.ts';
import type { TargetDescription, TargetType } from '../model.ts';

export interface ImageFacts {
  type: Extract<TargetType, 'image' | 'docker-archive' | 'oci-dir' | 'oci-archive'>;
  /** What the user named, as given. */
  name: string;
  /** `registry/repository` when known (registry images, tagged archives). */
  repository?: string;
  tag?: string;
  tags?: string[];
  /** Manifest digest; undefined for legacy `docker save` archives, which carry no manifest. */
  manifestDigest?: string;
  configDigest: string;
  platform: Platform;
  layers: string[];
  diffIds: string[];
  created?: string;
}

/**
 * Describes an image for the SBOM's `metadata.component`: its name and tag, manifest digest, a
 * `pkg:oci` purl (purl-spec: version is the manifest digest, `repository_url` and `tag` qualifiers,
 * `arch`), and the platform, tags and layer digests as properties.
 */
export function describeImage(facts: ImageFacts): TargetDescription {
  const version = facts.manifestDigest ?? facts.configDigest;
  const repositoryName = facts.repository?.split('/').pop() ?? basename(facts.name);
  const purl = toPurl({
    type: 'oci',
    name: repositoryName.toLowerCase(),
    version,
    qualifiers: {
      arch: facts.platform.architecture,
      repository_url: facts.repository,
      tag: facts.tag,
    },
  });
  const properties: Record<string, string> = {
    'raygate:image:platform': formatPlatform(facts.platform),
    'raygate:image:config-digest': facts.configDigest,
    'raygate:image:layers': facts.layers.join(','),
    'raygate:image:layer-count': String(facts.layers.length),
  };
  if (facts.diffIds.length > 0) properties['raygate:image:diff-ids'] = facts.diffIds.join(',');
  const tags = facts.tags ?? (facts.tag ? [facts.tag] : []);
  if (tags.length > 0) properties['raygate:image:tags'] = tags.join(',');
  if (facts.repository) properties['raygate:image:repository'] = facts.repository;
  if (facts.created) properties['raygate:image:created'] = facts.created;
  if (!facts.manifestDigest) properties['raygate:image:id'] = facts.configDigest;
  const description: TargetDescription = {
    type: facts.type,
    name: facts.repository ?? facts.name,
    purl,
    properties,
  };
  if (facts.tag) description.version = facts.tag;
  if (facts.manifestDigest) description.digest = facts.manifestDigest;
  return description;
}

function basename(p: string): string {
  const trimmed = p.replace(/[/\\]+$/, '');
  const base = trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
  return base.replace(/\.(tar|tgz|tar\.gz)$/i, '') || 'image';
}
