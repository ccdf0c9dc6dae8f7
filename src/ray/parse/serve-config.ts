import type { RayFacts } from '../model.ts';
import { arr, rec, refAt, str } from './nav.ts';
import { runtimeEnvFromValue } from './runtime-env.ts';

/**
 * A Ray Serve config (the file `serve deploy` / `serve run` take, and RayService `serveConfigV2`):
 * `http_options` (where the proxy listens, TLS files) and the runtime_env of each application and deployment.
 */

export interface ServeConfigContext {
  file: string;
  /** How findings name it: `RayService rayservice-sample serveConfigV2`, `Serve config`. */
  origin: string;
  /** Prefix of field paths (`spec.serveConfigV2 `, or empty for a file of its own). */
  fieldPrefix: string;
  clusterId?: string;
  /** Deployed into pods (RayService), where binding every interface reaches only the pod network. */
  inContainer: boolean;
}

/** True for a parsed document shaped like a Serve config (`applications:` with import paths). */
export function isServeConfigDocument(doc: Record<string, unknown>): boolean {
  const apps = arr(doc.applications);
  return apps.length > 0 && apps.every((a) => str(rec(a)?.import_path) !== undefined);
}

export function readServeConfig(
  config: Record<string, unknown>,
  context: ServeConfigContext,
  facts: RayFacts,
): void {
  const { file, origin, fieldPrefix, clusterId } = context;
  const cluster = clusterId ? { clusterId } : {};
  const httpOptions = rec(config.http_options);
  const host = str(httpOptions?.host);
  if (httpOptions && host !== undefined) {
    facts.serveEndpoints.push({
      host,
      tls: str(httpOptions.ssl_keyfile) !== undefined && str(httpOptions.ssl_certfile) !== undefined,
      at: refAt(file, httpOptions, 'host', `${fieldPrefix}http_options.host`),
      ...cluster,
      ...(context.inContainer ? { inContainer: true } : {}),
    });
  }
  arr(config.applications).forEach((item, i) => {
    const app = rec(item);
    if (!app) return;
    const appName = str(app.name) ?? `#${i + 1}`;
    const env = rec(app.runtime_env);
    if (env) {
      facts.runtimeEnvs.push(
        runtimeEnvFromValue(
          env,
          `${origin} application ${appName}`,
          refAt(file, app, 'runtime_env', `${fieldPrefix}applications[${i}].runtime_env`),
          clusterId,
        ),
      );
    }
    arr(app.deployments).forEach((d, j) => {
      const options = rec(rec(d)?.ray_actor_options);
      const deploymentEnv = rec(options?.runtime_env);
      if (!options || !deploymentEnv) return;
      facts.runtimeEnvs.push(
        runtimeEnvFromValue(
          deploymentEnv,
          `${origin} deployment ${str(rec(d)?.name) ?? j}`,
          refAt(
            file,
            options,
            'runtime_env',
            `${fieldPrefix}applications[${i}].deployments[${j}].ray_actor_options.runtime_env`,
          ),
          clusterId,
        ),
      );
    });
  });
}
