/**
 * Container image references, as far as Ray images go: which repository, which tag or digest, and what the
 * tag says about the Ray version. Tag grammar of Ray's images (ray `ci/ray_ci/automation/image_tags_lib.py`):
 * `{ray version}[-extra][-py3XY][-cpu|-cuXYZ|-gpu][-aarch64]`, plus `latest`, `nightly`, `nightly.YYMMDD.<sha6>`,
 * `<sha6>` and release-branch builds `<version>.<sha6>`.
 */

export interface ImageRef {
  raw: string;
  registry?: string;
  /** Repository path without the registry (`rayproject/ray`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** True when the reference still holds a variable (`$BASE_IMAGE`), resolved only at build time. */
  dynamic: boolean;
}

export function parseImageRef(raw: string): ImageRef | undefined {
  const text = raw.trim().replace(/^docker:\/\//, '');
  if (text === '' || /\s/.test(text)) return undefined;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const first = rest.split('/')[0]!;
  if (rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(first.length + 1);
  }
  if (rest === '') return undefined;
  return {
    raw,
    ...(registry ? { registry } : {}),
    repository: rest.toLowerCase(),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {}),
    dynamic: text.includes('$'),
  };
}

const RAY_REPOSITORIES =
  /^(rayproject|anyscale)\/(ray|ray-ml|ray-llm|ray-deps|base-deps|ray-extra|ray-ml-extra|ray-llm-extra)$/;

/** Ray's own images (Docker Hub `rayproject/*`, their build cache `cr.ray.io`, Anyscale's copies). */
export function isRayImage(ref: ImageRef): boolean {
  return RAY_REPOSITORIES.test(ref.repository.replace(/^library\//, ''));
}

/** KubeRay's images (`quay.io/kuberay/operator`, `…/submitter`, …). */
export function isKubeRayImage(ref: ImageRef): boolean {
  return ref.repository.startsWith('kuberay/');
}

/** The Ray version a Ray image tag names (`2.53.0-py310-cpu` → `2.53.0`). */
export function rayVersionOfTag(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const m = /^(\d+\.\d+\.\d+(?:(?:rc|a|b)\d+)?)(?:$|[-.])/.exec(tag);
  if (!m) return undefined;
  // `2.53.0.abc123` is a release-branch build of a commit, not the release itself
  if (/^\d+\.\d+\.\d+\.[0-9a-f]{6,}/.test(tag)) return undefined;
  return m[1];
}

export type TagKind = 'digest' | 'development' | 'floating' | 'version';

/**
 * How far a reference can be trusted to mean the same bits tomorrow: pinned by digest, a development build
 * (`nightly`, a commit, a pull request), a floating alias (`latest`, no tag, `-gpu`), or a version tag (mutable
 * too, but a release).
 */
export function tagKind(ref: ImageRef): TagKind {
  if (ref.digest && /^sha256:[0-9a-f]{64}$/.test(ref.digest)) return 'digest';
  const tag = ref.tag;
  if (tag === undefined || tag === '') return 'floating';
  const lower = tag.toLowerCase();
  if (/^nightly|^pr-\d+|^[0-9a-f]{6,40}(?:$|-)|^\d+\.\d+\.\d+\.[0-9a-f]{6,}|dev0?(?:$|-)/.test(lower))
    return 'development';
  if (/^latest/.test(lower)) return 'floating';
  if (rayVersionOfTag(tag) || /^v?\d+\.\d+(\.\d+)?(?:$|[-.+])/.test(tag)) return 'version';
  return 'floating';
}
