import type { Hash, HashAlgorithm, License } from '../model.ts';
import { normalizeSpdxExpression } from '../licenses/spdx-expression.ts';

const MAX_ENTRIES = 64;
const MAX_TEXT = 1000;

const HASH_ALGORITHMS: Record<string, { algorithm: HashAlgorithm; hexLength: number }> = {
  MD5: { algorithm: 'md5', hexLength: 32 },
  'SHA-1': { algorithm: 'sha1', hexLength: 40 },
  'SHA-256': { algorithm: 'sha256', hexLength: 64 },
  'SHA-384': { algorithm: 'sha384', hexLength: 96 },
  'SHA-512': { algorithm: 'sha512', hexLength: 128 },
};

/**
 * A component's `licenses` as CycloneDX writes them (`{license: {id}}`, `{license: {name}}`,
 * `{expression}`), in raygate's form: an SPDX expression when the text is one, else the text as given —
 * the licenses policy rule must see what an uploaded SBOM declares, not an empty list.
 */
export function licensesOfComponent(value: unknown): License[] {
  if (!Array.isArray(value)) return [];
  const out: License[] = [];
  for (const entry of value.slice(0, MAX_ENTRIES) as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const { license, expression } = entry as {
      license?: { id?: unknown; name?: unknown };
      expression?: unknown;
    };
    const text =
      typeof expression === 'string'
        ? expression
        : typeof license?.id === 'string'
          ? license.id
          : typeof license?.name === 'string'
            ? license.name
            : undefined;
    if (text === undefined || text.trim() === '' || text.length > MAX_TEXT) continue;
    const spdx = normalizeSpdxExpression(text);
    out.push(spdx ? { expression: spdx } : { text: text.trim() });
  }
  return out;
}

/** A component's `hashes` (`{alg: 'SHA-256', content: hex}`), well-formed ones only. */
export function hashesOfComponent(value: unknown): Hash[] {
  if (!Array.isArray(value)) return [];
  const out: Hash[] = [];
  for (const entry of value.slice(0, MAX_ENTRIES) as unknown[]) {
    const { alg, content } = (entry ?? {}) as { alg?: unknown; content?: unknown };
    const known = typeof alg === 'string' ? HASH_ALGORITHMS[alg] : undefined;
    if (!known || typeof content !== 'string') continue;
    const hex = content.toLowerCase();
    if (hex.length === known.hexLength && /^[0-9a-f]+$/.test(hex))
      out.push({ algorithm: known.algorithm, value: hex });
  }
  return out;
}
