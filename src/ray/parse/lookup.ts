import type { ConfigMapFacts, RayFacts, SecretFacts } from '../model.ts';

/**
 * The Secret or ConfigMap a cluster refers to by name: the one in the same file first (files linted together
 * may each carry their own copy of a sample Secret), then any in the same namespace.
 */
export function findSecret(
  facts: RayFacts,
  name: string,
  namespace: string | undefined,
  file: string,
): SecretFacts | undefined {
  return pick(facts.secrets, name, namespace, file);
}

export function findConfigMap(
  facts: RayFacts,
  name: string,
  namespace: string | undefined,
  file: string,
): ConfigMapFacts | undefined {
  return pick(facts.configMaps, name, namespace, file);
}

function pick<T extends { name: string; namespace?: string; at: { file: string } }>(
  items: readonly T[],
  name: string,
  namespace: string | undefined,
  file: string,
): T | undefined {
  const candidates = items.filter((i) => i.name === name && (i.namespace ?? '') === (namespace ?? ''));
  return candidates.find((i) => i.at.file === file) ?? candidates[0];
}
