import type { GateConfig } from '../../config.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { RegistryPolicy } from './environment.ts';

/**
 * The configured registries as the only hosts evidence may come from. Naming a registry in the
 * configuration is the operator's consent: it is allowed even on a private or loopback address, while the
 * registry client's host guard still checks every other host it is sent to (token realms, redirects).
 */
export function registryPolicy(
  config: Pick<GateConfig, 'registries' | 'dockerConfigDir' | 'registryCaFile'>,
): RegistryPolicy {
  const byHost = new Map(config.registries.map((r) => [r.host.toLowerCase(), r]));
  const find = (registry: string) => byHost.get(registry.toLowerCase());
  return {
    isConfigured: (registry) => find(registry) !== undefined,
    pushes: (registry) => find(registry)?.push === true,
    accessFor(registry) {
      const entry = find(registry);
      if (!entry) throw registryNotAllowed(registry);
      return {
        allowHosts: [entry.host],
        insecureRegistries: entry.insecure ? [entry.host] : [],
        ...(config.registryCaFile ? { caFile: config.registryCaFile } : {}),
        ...(config.dockerConfigDir ? { dockerConfigDir: config.dockerConfigDir } : {}),
      };
    },
  };
}

export function registryNotAllowed(registry: string): RaygateError {
  return new RaygateError(
    'GATE_REGISTRY_NOT_ALLOWED',
    'input',
    `The registry ${registry} is not one this gate is configured to read (gate.registries).`,
  );
}
