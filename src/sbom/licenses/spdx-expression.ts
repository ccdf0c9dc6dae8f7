import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';
import parseSpdx from 'spdx-expression-parse';

const TOKEN = /\s*(\(|\)|[A-Za-z0-9.+:-]+)/y;

/**
 * The canonical spelling of an SPDX license expression (`mit or apache-2.0` → `MIT OR Apache-2.0`), or
 * undefined when the text is not one. Identifiers are matched case-insensitively against the SPDX list
 * the CycloneDX schema carries, so what comes out also validates in a BOM; the result is then checked by
 * `spdx-expression-parse`.
 */
export function normalizeSpdxExpression(text: string): string | undefined {
  const source = text.trim();
  if (source === '' || source.length > 1000) return undefined;
  const out: string[] = [];
  let pos = 0;
  while (pos < source.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) return undefined;
    pos = TOKEN.lastIndex;
    while (source[pos] === ' ' || source[pos] === '\t') pos++;
    const token = m[1]!;
    const upper = token.toUpperCase();
    if (token === '(' || token === ')') out.push(token);
    else if (upper === 'AND' || upper === 'OR' || upper === 'WITH') out.push(upper);
    else if (/^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(token)) out.push(token);
    else {
      const plus = token.endsWith('+');
      const id = fixupSpdxId(plus ? token.slice(0, -1) : token);
      if (id === undefined) return undefined;
      out.push(plus ? `${id}+` : id);
    }
  }
  const canonical = out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  try {
    parseSpdx(canonical);
  } catch {
    return undefined;
  }
  return canonical;
}

/** True when `id` is a single SPDX license identifier (any case). */
export function spdxId(id: string): string | undefined {
  return fixupSpdxId(id.trim());
}
