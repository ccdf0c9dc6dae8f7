/**
 * Characters XML 1.0 cannot carry at all (not even escaped): C0 controls other than tab, line feed and
 * carriage return, unpaired surrogates, U+FFFE and U+FFFF. The CycloneDX XML serializer writes them
 * through unchanged and the document then fails to parse, so they are replaced before either format is
 * written — JSON and XML then say the same thing.
 */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Counts, per owner (a bom-ref or `metadata`), the fields whose text had to be changed. */
export class TextCleaner {
  readonly #changed = new Map<string, Set<string>>();

  /** Returns `value` with XML-invalid characters replaced, remembering `field` of `owner` if any were. */
  clean(value: string, owner: string, field: string): string {
    XML_INVALID.lastIndex = 0;
    if (!XML_INVALID.test(value)) return value;
    XML_INVALID.lastIndex = 0;
    let fields = this.#changed.get(owner);
    if (!fields) this.#changed.set(owner, (fields = new Set()));
    fields.add(field);
    return value.replace(XML_INVALID, REPLACEMENT_CHARACTER);
  }

  /** Owners whose text changed, each with the sorted names of the changed fields. */
  changes(): { owner: string; fields: string[] }[] {
    return [...this.#changed].map(([owner, fields]) => ({ owner, fields: [...fields].sort() }));
  }
}
