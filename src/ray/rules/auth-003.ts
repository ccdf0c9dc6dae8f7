import type { FindingDraft } from '../finding.ts';
import { findSecret } from '../parse/lookup.ts';
import { DOCS, type RayRule } from './rule.ts';

const FIX =
  'Keep the token out of files that are committed or baked into images: on Kubernetes let KubeRay generate it ' +
  '(authOptions without secretName) or create the Secret out of band (kubectl create secret, External Secrets); ' +
  'elsewhere put it in a file readable only by the Ray user and point RAY_AUTH_TOKEN_PATH at it. Rotate a token ' +
  'that was committed: Ray tokens do not expire.';

export const RAY_AUTH_003: RayRule = {
  id: 'RAY-AUTH-003',
  name: 'token-hard-coded',
  title: 'Ray authentication token written into a file or image',
  severities: ['high'],
  inputs: ['kubernetes', 'cluster-launcher', 'compose', 'dockerfile', 'shell', 'env-file'],
  help:
    'RAY_AUTH_TOKEN is the one shared secret of a Ray cluster, it does not expire, and whoever holds it can submit ' +
    'jobs. Ray documents preferring RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token over the variable and warns against ' +
    'committing tokens. Reported: a literal RAY_AUTH_TOKEN (manifest value:, Dockerfile ENV, compose, env file, ' +
    'script export), a Secret in the same files that holds the token KubeRay or a container reads, and token files ' +
    'copied or written into an image. A value from valueFrom.secretKeyRef or a shell expansion is fine.',
  fix: FIX,
  helpUri: DOCS.tokenAuth,
  check(context) {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const { env, clusterId } of context.facts.envSettings) {
      if (env.name !== 'RAY_AUTH_TOKEN' || env.source !== 'literal' || !env.value || env.value.includes('$'))
        continue;
      const seenKey = `${env.at.file}:${env.at.line}:${env.at.field}`;
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const key = `${env.at.field}`;
      out.push({
        severity: 'high',
        message: `RAY_AUTH_TOKEN is set to a literal value (${env.at.field ?? 'environment'}); anyone who can read this file can run code on the cluster`,
        at: env.at,
        ...(clusterId ? { clusterId } : {}),
        key,
      });
    }
    for (const file of context.facts.tokenFiles) {
      out.push({
        severity: 'high',
        message: `a Ray token file is put into the image (${file.how}); every copy of the image carries the token`,
        at: file.at,
        key: file.how,
      });
    }
    // Secrets in the inputs that hold the token a cluster uses.
    for (const cluster of context.facts.clusters) {
      const refs: { name: string; key: string; how: string }[] = [];
      const secretName = cluster.kuberay?.authOptions?.secretName?.value;
      if (secretName) refs.push({ name: secretName, key: 'auth_token', how: 'authOptions.secretName' });
      for (const node of cluster.nodes) {
        for (const e of node.env) {
          if (e.name === 'RAY_AUTH_TOKEN' && e.source === 'secret' && e.secretRef)
            refs.push({
              name: e.secretRef.name,
              key: e.secretRef.key ?? 'auth_token',
              how: `RAY_AUTH_TOKEN secretKeyRef (${node.label})`,
            });
        }
      }
      for (const ref of refs) {
        const secret = findSecret(context.facts, ref.name, cluster.namespace, cluster.file);
        const entry = secret?.values.get(ref.key);
        if (!secret || !entry || entry.value === '') continue;
        const seenKey = `${entry.at.file}:${entry.at.line}`;
        if (seen.has(seenKey)) continue;
        seen.add(seenKey);
        const key = `${secret.name}:${entry.at.field}`;
        out.push({
          severity: 'high',
          message: `Secret ${secret.name} holds the Ray token of ${cluster.label} (${ref.how}) in the manifest itself (${entry.at.field}); the token is in every copy of this file`,
          at: entry.at,
          clusterId: cluster.id,
          key,
        });
      }
    }
    return out;
  },
};
