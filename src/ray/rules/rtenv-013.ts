import type { FindingDraft } from '../finding.ts';
import { envVars, packageEntries, remoteUris } from './runtime-env-items.ts';
import { DOCS, type RayRule } from './rule.ts';

/** Environment variable names that hold secrets by convention. */
const SECRET_WORD =
  /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)($|_)|_KEY$/i;
/** Settings about a secret rather than the secret itself (`RAY_AUTH_TOKEN_PATH`, `RAY_AUTH_MODE`). */
const NOT_A_SECRET = /(_PATH|_FILE|_DIR|_MODE|_ENABLED|_HOST|_PORT|_TYPE|_ID|_REGION|_URL|_ENDPOINT)$/i;

export function secretLikeName(name: string): boolean {
  return SECRET_WORD.test(name) && !NOT_A_SECRET.test(name);
}
const SECRET_QUERY =
  /[?&](token|access_token|auth|sig|signature|x-amz-signature|x-amz-credential|x-goog-signature|x-goog-credential|password|secret)=/i;

function credentialsIn(uri: string): string | undefined {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(uri);
  if (userinfo) return userinfo[1]!.includes(':') ? 'a user name and password' : 'a user name or token';
  if (SECRET_QUERY.test(uri)) return 'a signed or token query parameter';
  return undefined;
}

function redact(uri: string): string {
  return uri.replace(/(:\/\/)[^/@\s]+@/, '$1***@').replace(/([?&][^=&]+=)[^&#]+/g, '$1***');
}

export const RAY_RTENV_013: RayRule = {
  id: 'RAY-RTENV-013',
  name: 'runtime-env-credentials',
  title: 'Credentials in a runtime_env',
  severities: ['high'],
  inputs: ['kubernetes', 'serve-config', 'shell', 'dockerfile', 'cluster-launcher', 'compose'],
  help:
    'Ray logs runtime_env URIs and uses a parsed form of the remote URI, credentials included, as a directory name: ' +
    '"your remote URI is not treated as a secret" (runtime_env_auth docs). User names, passwords and tokens in ' +
    'working_dir/py_modules URLs or pip index URLs, signed-URL query parameters, and secret-looking env_vars ' +
    '(*_TOKEN, *_KEY, *PASSWORD*, *SECRET*, AWS_SECRET_ACCESS_KEY, …) written as literals end up in logs, the ' +
    "dashboard and every job's environment.",
  fix: 'Use credentials the workers already have (netrc, cloud instance roles, a credential helper) or inject them from Kubernetes Secrets into the pod env; never put them in the runtime_env.',
  helpUri: DOCS.runtimeEnvAuth,
  check(context) {
    const out: FindingDraft[] = [];
    for (const env of context.facts.runtimeEnvs) {
      const cluster = env.clusterId ? { clusterId: env.clusterId } : {};
      for (const { field, uri, at } of remoteUris(env)) {
        const what = credentialsIn(uri);
        if (what)
          out.push({
            severity: 'high',
            message: `${env.origin}: ${field} ${redact(uri)} carries ${what}`,
            at,
            ...cluster,
            key: `${at.field}`,
          });
      }
      for (const entry of packageEntries(env)) {
        const url = /(https?:\/\/\S+)/.exec(entry.text)?.[1];
        const what = url ? credentialsIn(url) : undefined;
        if (url && what) {
          out.push({
            severity: 'high',
            message: `${env.origin}: ${entry.tool} entry ${redact(entry.text)} carries ${what}`,
            at: entry.at,
            ...cluster,
            key: `${entry.at.field}`,
          });
        }
      }
      for (const v of envVars(env)) {
        if (!secretLikeName(v.name) || v.value === '' || v.value.includes('$')) continue;
        out.push({
          severity: 'high',
          message: `${env.origin}: env_vars.${v.name} is a secret written as a literal; it is visible to every job and in the dashboard`,
          at: v.at,
          ...cluster,
          key: `${v.at.field}`,
        });
      }
    }
    return out;
  },
};
