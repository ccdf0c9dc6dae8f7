import { hexDigest } from '../../shared/digest.ts';
import { parsePurl, toPurl } from '../../shared/purl.ts';
import type { Package } from '../model.ts';
import { compareStrings } from '../scan.ts';

/** The qualifier that tells apart packages sharing one purl (the same release installed twice). */
export const BOM_REF_QUALIFIER = 'raygate-id';

/**
 * Gives every package a bom-ref that is unique in the document and identical across runs on the same
 * input: its purl when no other package has that purl; otherwise the purl plus a `raygate-id` qualifier
 * holding a short digest of the package id (which names where it was found); the package id when it
 * has no valid purl. `reserved` refs (the target's) are never handed out.
 */
export function assignBomRefs(
  packages: readonly Package[],
  reserved: readonly string[],
): Map<string, string> {
  const purlCounts = new Map<string, number>();
  for (const pkg of packages) {
    const purl = validPurl(pkg);
    if (purl) purlCounts.set(purl, (purlCounts.get(purl) ?? 0) + 1);
  }

  const used = new Set(reserved);
  const refs = new Map<string, string>();
  for (const pkg of [...packages].sort((a, b) => compareStrings(a.id, b.id))) {
    const purl = validPurl(pkg);
    let ref = purl === undefined ? pkg.id : purlCounts.get(purl) === 1 ? purl : withQualifier(purl, pkg.id);
    // Unreachable for a well-formed scan (ids are unique, purls are not ids); kept so a bom-ref can never
    // repeat, which would make the serializer invent random ones.
    for (let n = 2; used.has(ref); n++) ref = `${ref}-${n}`;
    used.add(ref);
    refs.set(pkg.id, ref);
  }
  return refs;
}

/** The package's purl when it parses as one. */
export function validPurl(pkg: Package): string | undefined {
  return pkg.purl !== undefined && parsePurl(pkg.purl) !== undefined ? pkg.purl : undefined;
}

function withQualifier(purl: string, packageId: string): string {
  const parts = parsePurl(purl)!;
  const suffix = hexDigest('sha256', packageId).slice(0, 12);
  return toPurl({ ...parts, qualifiers: { ...parts.qualifiers, [BOM_REF_QUALIFIER]: suffix } });
}
