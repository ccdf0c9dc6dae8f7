import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type * as Models from '@cyclonedx/cyclonedx-library/Models';

export type BomFormat = 'json' | 'xml';

const SPEC = Spec.Spec1dot6;
const json = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SPEC));
// Built on first use: the XML serializer loads xmlbuilder2 (~140 modules), which JSON output never needs.
let xml: Serialize.XmlSerializer | undefined;

/**
 * The BOM as CycloneDX 1.6 JSON or XML text, indented by two spaces, ending in a newline.
 *
 * `sortLists` is deliberately off: the library sorts with `localeCompare`, whose order follows the
 * process locale (under da_DK `aa` sorts after `z`, under tr_TR `i` and `I` swap), so the same scan
 * would give different bytes on differently configured machines. toBom already puts every list in a
 * code-point order, which the serializers keep.
 */
export function serializeBom(bom: Models.Bom, format: BomFormat): string {
  const serializer =
    format === 'json'
      ? json
      : (xml ??= new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(SPEC)));
  return `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
}

/** Compact JSON of the BOM: the canonical text a content-derived serial number is computed from. */
export function canonicalJson(bom: Models.Bom): string {
  return json.serialize(bom, { sortLists: false });
}
