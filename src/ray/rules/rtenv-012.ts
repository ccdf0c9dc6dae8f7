import { parseRequirement } from '../../sbom/python/pep508.ts';
import type { FindingDraft } from '../finding.ts';
import { parseImageRef, tagKind } from '../parse/image-ref.ts';
import { condaChannels, images, packageEntries, remoteUris } from './runtime-env-items.ts';
import { DOCS, type RayRule } from './rule.ts';

const INDEX_OPTIONS =
  /^(?:-i|--index-url|--extra-index-url|--trusted-host|-f|--find-links|--index|--default-index)(?:[=\s]+(.*))?$/;

/** Where a URI points at a moving target: a branch or tag archive, `latest`, or plain HTTP. */
export function mutableUri(uri: string): string | undefined {
  if (/^http:\/\//i.test(uri)) return 'is fetched over plain HTTP';
  const archive = /\/archive\/(?:refs\/(?:heads|tags)\/)?([^/]+?)\.(?:zip|tar\.gz|tgz)(?:[?#]|$)/.exec(uri);
  if (archive && !/^[0-9a-f]{40}$/i.test(archive[1]!))
    return `is an archive of '${archive[1]}', a branch or tag that can move`;
  if (/\/refs\/heads\//.test(uri)) return 'names a branch, which moves';
  if (/(^|[/_.-])latest([/_.-]|$)/i.test(pathOf(uri))) return "names 'latest', which moves";
  return undefined;
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return uri;
  }
}

function allowed(value: string, allowlist: readonly string[]): boolean {
  const v = value.trim();
  return allowlist.some((a) => v === a || v.startsWith(a.endsWith('/') ? a : `${a}/`) || hostOf(v) === a);
}

function hostOf(value: string): string | undefined {
  try {
    return new URL(value).host;
  } catch {
    return value.includes('/') ? undefined : value;
  }
}

export const RAY_RTENV_012: RayRule = {
  id: 'RAY-RTENV-012',
  name: 'runtime-env-mutable-code',
  title: 'runtime_env pulls code or packages that can change',
  severities: ['medium'],
  inputs: ['kubernetes', 'serve-config', 'shell', 'dockerfile', 'cluster-launcher', 'compose'],
  help:
    'A runtime_env (RayJob runtimeEnvYAML, RayService serveConfigV2, `ray job submit --runtime-env-json`, ' +
    '`--working-dir`) installs code on every worker at run time. A working_dir/py_modules archive of a branch, tag ' +
    'or `latest` (anything but a full commit), plain http:// URLs, pip/uv requirements without an exact `==` pin or ' +
    'with a direct URL, pip/uv index options (--index-url, --extra-index-url, --trusted-host, --find-links) outside ' +
    'the --allowed-index list, unpinned conda dependencies or http:// channels, and image_uri/container images ' +
    'without a digest mean the cluster may run something nobody reviewed. s3:// and gs:// objects can be ' +
    'overwritten too but carry no version in the URI, so they are not reported.',
  fix: 'Bake dependencies into the image, or pin them: archives of a full commit SHA, `name==version` requirements, an internal index, images by digest.',
  helpUri: DOCS.dependencies,
  check(context) {
    const out: FindingDraft[] = [];
    const allowlist = context.options.allowedIndexes ?? [];
    for (const env of context.facts.runtimeEnvs) {
      const cluster = env.clusterId ? { clusterId: env.clusterId } : {};
      for (const { field, uri, at } of remoteUris(env)) {
        const problem = mutableUri(uri);
        if (problem)
          out.push({
            severity: 'medium',
            message: `${env.origin}: ${field} ${uri} ${problem}`,
            at,
            ...cluster,
            key: `${at.field}`,
          });
      }
      for (const entry of packageEntries(env)) {
        const option = INDEX_OPTIONS.exec(entry.text);
        if (option) {
          const value = option[1] ?? '';
          if (!allowed(value, allowlist)) {
            out.push({
              severity: 'medium',
              message: `${env.origin}: ${entry.tool} option '${entry.text}' points the installer at an index that is not on the allowed list`,
              at: entry.at,
              fix: 'Remove the option or add the index with --allowed-index after review; prefer baking packages into the image.',
              ...cluster,
              key: `${entry.at.field}`,
            });
          }
          continue;
        }
        if (entry.text.startsWith('-')) continue;
        if (entry.tool === 'conda') {
          if (!/[=<>]/.test(entry.text)) {
            out.push({
              severity: 'medium',
              message: `${env.origin}: conda dependency '${entry.text}' has no version pin`,
              at: entry.at,
              ...cluster,
              key: `${entry.at.field}`,
            });
          }
          continue;
        }
        let req;
        try {
          req = parseRequirement(entry.text);
        } catch {
          out.push({
            severity: 'medium',
            message: `${env.origin}: ${entry.tool} entry '${entry.text}' is not a name==version requirement (a path, URL or option)`,
            at: entry.at,
            ...cluster,
            key: `${entry.at.field}`,
          });
          continue;
        }
        if (req.url) {
          const immutable = /@[0-9a-f]{40}(?:[#?]|$)|#sha256=[0-9a-f]{64}/i.test(req.url);
          if (!immutable) {
            out.push({
              severity: 'medium',
              message: `${env.origin}: ${entry.tool} requirement '${entry.text}' is a direct reference without a commit or hash`,
              at: entry.at,
              ...cluster,
              key: `${entry.at.field}`,
            });
          }
          continue;
        }
        const pinned =
          req.clauses.length === 1 &&
          (req.clauses[0]!.operator === '===' ||
            (req.clauses[0]!.operator === '==' && !req.clauses[0]!.version.includes('*')));
        if (!pinned) {
          out.push({
            severity: 'medium',
            message: `${env.origin}: ${entry.tool} requirement '${entry.text}' is not pinned to one version`,
            at: entry.at,
            fix: `Pin it (${req.rawName}==<version>), or install it in the image.`,
            ...cluster,
            key: `${entry.at.field}`,
          });
        }
      }
      for (const { channel, at } of condaChannels(env)) {
        if (/^http:\/\//i.test(channel)) {
          out.push({
            severity: 'medium',
            message: `${env.origin}: conda channel ${channel} is fetched over plain HTTP`,
            at,
            ...cluster,
            key: `${at.field}`,
          });
        }
      }
      for (const { image, at } of images(env)) {
        const ref = parseImageRef(image);
        if (ref && tagKind(ref) !== 'digest') {
          out.push({
            severity: 'medium',
            message: `${env.origin}: image ${image} is not pinned by digest`,
            at,
            ...cluster,
            key: `${at.field}`,
          });
        }
      }
    }
    return out;
  },
};
