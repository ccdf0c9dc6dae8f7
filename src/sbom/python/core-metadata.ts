/**
 * Python core metadata (METADATA, PKG-INFO; Metadata-Version 1.0–2.4) is an RFC 822 header block, read
 * the way CPython's `email` parser reads it, because that is what pip and importlib.metadata see:
 * field names are case-insensitive, a line starting with a space or tab continues the previous field, a
 * blank line ends the headers (the rest is the description), and a line that is neither a header nor a
 * continuation also ends the headers.
 */
export interface CoreMetadata {
  /** Field values by lower-cased field name, in file order (multiple-use fields have several). */
  fields: Map<string, string[]>;
  /** 1-based line where the header block ended early on a line that is not a header (malformed input). */
  strayLine?: number;
}

const HEADER = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/;

export function parseCoreMetadata(text: string): CoreMetadata {
  const fields = new Map<string, string[]>();
  let current: { values: string[]; index: number } | undefined;
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    lineNumber++;
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (current) {
        const folded = line.trim();
        const previous = current.values[current.index]!;
        current.values[current.index] = previous === '' ? folded : `${previous}\n${folded}`;
      }
      continue;
    }
    if (line.startsWith('From ')) continue;
    const match = HEADER.exec(line);
    if (!match) return { fields, strayLine: lineNumber };
    const name = match[1]!.toLowerCase();
    let values = fields.get(name);
    if (!values) fields.set(name, (values = []));
    values.push(match[2]!.trimEnd());
    current = { values, index: values.length - 1 };
  }
  return { fields };
}

/** The first value of a single-use field, trimmed; undefined when absent or empty. */
export function metadataField(metadata: CoreMetadata, name: string): string | undefined {
  const value = metadata.fields.get(name.toLowerCase())?.[0]?.trim();
  return value === '' ? undefined : value;
}

/** Every non-empty value of a multiple-use field (Classifier, Requires-Dist, Provides-Extra, ...). */
export function metadataFields(metadata: CoreMetadata, name: string): string[] {
  return (metadata.fields.get(name.toLowerCase()) ?? []).map((v) => v.trim()).filter((v) => v !== '');
}
