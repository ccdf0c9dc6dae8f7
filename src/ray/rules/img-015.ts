import type { FindingDraft } from '../finding.ts';
import { isKubeRayImage, isRayImage, parseImageRef, rayVersionOfTag, tagKind } from '../parse/image-ref.ts';
import { compareVersions } from '../versions.ts';
import { DOCS, type RayRule } from './rule.ts';

export const RAY_IMG_015: RayRule = {
  id: 'RAY-IMG-015',
  name: 'image-pinning',
  title: 'Ray image not pinned by digest, a development build, or not the declared version',
  severities: ['high', 'medium'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell'],
  help:
    "rayproject/* and quay.io/kuberay/* images are published by `crane copy` from Ray's build cache and by " +
    'docker/build-push-action with provenance off: they carry no signature or SBOM attestation (confirm with ' +
    '`cosign tree` for the release you use), so a digest you reviewed is the only fixed point. A tag (a version, ' +
    '`-gpu`, `latest`, or none) can be re-pointed: medium. `nightly`, commit (`<sha6>`, `<version>.<sha6>`), `pr-*` ' +
    'and `dev` tags are development builds that should not reach a release: high. A Ray image whose tag names a ' +
    'different version than spec.rayVersion (which KubeRay uses to decide features such as token authentication) ' +
    'or than the ray installed according to the SBOM: medium.',
  fix: "Reference images as repository@sha256:<digest> of a reviewed (or rebuilt) release, keep the tag for readability (repo:2.56.0@sha256:…), and keep spec.rayVersion equal to the image's Ray version.",
  helpUri: DOCS.images,
  check(context) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    const installed = [
      ...new Set(context.facts.versions.filter((v) => v.source === 'sbom').map((v) => v.version)),
    ];
    for (const use of context.facts.images) {
      const seenKey = `${use.at.file}:${use.at.line}:${use.reference}`;
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const key = `${use.context}:${use.reference}`;
      const ref = parseImageRef(use.reference);
      if (!ref || !(isRayImage(ref) || isKubeRayImage(ref))) continue;
      const cluster = use.clusterId ? { clusterId: use.clusterId } : {};
      const kind = tagKind(ref);
      if (kind === 'development') {
        out.push({
          severity: 'high',
          message: `${use.context} uses ${use.reference}, a development build ('${ref.tag}'), not a release`,
          at: use.at,
          fix: 'Use a released version, pinned by digest.',
          ...cluster,
          key: `${key}:dev`,
        });
      } else if (kind !== 'digest' && !ref.dynamic) {
        out.push({
          severity: 'medium',
          message: `${use.context} uses ${use.reference} by ${ref.tag ? `tag '${ref.tag}'` : 'no tag (latest)'}, which can be re-pointed; Ray images are not signed`,
          at: use.at,
          ...cluster,
          key: `${key}:tag`,
        });
      }
      if (!isRayImage(ref)) continue;
      const version = rayVersionOfTag(ref.tag);
      if (!version) continue;
      const declared = context.cluster(use.clusterId)?.rayVersion;
      if (declared && compareVersions(declared.value, version) !== 0 && declared.value !== version) {
        out.push({
          severity: 'medium',
          message: `${use.context} runs Ray ${version} (${use.reference}) but spec.rayVersion says ${declared.value}`,
          at: use.at,
          fix: 'Make spec.rayVersion and the image tag name the same Ray version.',
          ...cluster,
          key: `${key}:rayVersion`,
        });
      }
      const others = installed.filter((v) => compareVersions(v, version) !== 0);
      if (installed.length > 0 && others.length === installed.length) {
        out.push({
          severity: 'medium',
          message: `${use.context} names Ray ${version} (${use.reference}) but the SBOM shows ray ${installed.join(', ')} installed`,
          at: use.at,
          fix: 'Build and deploy the same Ray version; regenerate the SBOM from the image you deploy.',
          ...cluster,
          key: `${key}:sbom`,
        });
      }
    }
    return out;
  },
};
