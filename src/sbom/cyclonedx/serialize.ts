import { Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Models } from '@cyclonedx/cyclonedx-library';

export type BomFormat = 'json' | 'xml';

const SPEC = Spec.Spec1dot6;
const json = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SPEC));
const xml = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(SPEC));

/**
 * The BOM as CycloneDX 1.6 JSON or XML text, indented by two spaces, ending in a newline.
 *
 * `sortLists` is deliberately off: the library sorts with `localeCompare`, whose order follows the
 * process locale (under da_DK `aa` sorts after `z`, under tr_TR `i` and `I` swap), so the same scan
 * would give different bytes on differently configured machines. toBom already puts every list in a
 * code-point order, which the serializers keep.
 */
export function serializeBom(bom: Models.Bom, format: BomFormat): string {
  const serializer = format === 'json' ? json : xml;
  return `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
}

/** Compact JSON of the BOM: the canonical text a content-derived serial number is computed from. */
export function canonicalJson(bom: Models.Bom): string {
  return json.serialize(bom, { sortLists: false });
}
