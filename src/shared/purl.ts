import { PackageURL } from 'packageurl-js';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

/** Builds a package URL with the reference implementation, so escaping and per-type rules are the spec's. */
export function toPurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts.qualifiers ?? {}))
    if (v !== undefined && v !== '') qualifiers[k] = v;
  return new PackageURL(
    parts.type,
    parts.namespace,
    parts.name,
    parts.version,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    parts.subpath,
  ).toString();
}

/** Parses a package URL; undefined when it is not one. */
export function parsePurl(value: string): PurlParts | undefined {
  try {
    const p = PackageURL.fromString(value);
    const parts: PurlParts = { type: p.type, name: p.name };
    if (p.namespace) parts.namespace = p.namespace;
    if (p.version) parts.version = p.version;
    if (p.qualifiers) parts.qualifiers = { ...p.qualifiers };
    if (p.subpath) parts.subpath = p.subpath;
    return parts;
  } catch {
    return undefined;
  }
}
