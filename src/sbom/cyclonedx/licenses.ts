import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import type { License } from '../model.ts';
import { parseSpdxExpression } from './spdx-expression.ts';

/** A license text longer than this, or spanning lines, is a license body rather than a name. */
const MAX_NAME_LENGTH = 200;

export interface ComponentLicenses {
  /** What goes into `component.licenses`: one expression, or a list of ids and names. */
  declared: Models.License[];
  /** Raw license texts that could not share the field with an expression (`component.evidence.licenses`). */
  evidence: Models.NamedLicense[];
  /** Texts given as SPDX expressions that are not valid SPDX: kept as license names, reported. */
  invalidExpressions: string[];
}

type Classified =
  | { kind: 'id'; id: string }
  | { kind: 'expression'; expression: string; compound: boolean }
  | { kind: 'name'; text: string };

/**
 * Maps a package's licenses onto CycloneDX 1.6, which allows either a list of `license` entries (SPDX
 * id or name) or exactly one `expression`, never both:
 * - an expression that is a single listed SPDX id becomes `license.id`; any other valid one `expression`;
 * - several expressions (and ids next to them) are joined with AND into one expression — every declared
 *   license applies — and raw texts found next to an expression move to `evidence.licenses`;
 * - raw text becomes `license.name`; a whole license body keeps its first line as the name and the full
 *   text as the license's `text` attachment.
 * Every license read from package metadata is acknowledged as `declared`.
 */
export function toComponentLicenses(licenses: readonly License[]): ComponentLicenses {
  const invalidExpressions: string[] = [];
  const seen = new Set<string>();
  const items: Classified[] = [];
  for (const license of licenses) {
    if (('text' in license ? license.text : license.expression).trim() === '') continue;
    const item = classify(license, invalidExpressions);
    const key = JSON.stringify(item);
    if (!seen.has(key)) {
      seen.add(key);
      items.push(item);
    }
  }

  const expressions = items.filter((i) => i.kind === 'expression');
  const ids = items.filter((i) => i.kind === 'id');
  const names = items.filter((i) => i.kind === 'name');
  if (expressions.length > 0) {
    const parts = [...expressions, ...ids].map((i) =>
      i.kind === 'id'
        ? i.id
        : i.compound && expressions.length + ids.length > 1
          ? `(${i.expression})`
          : i.expression,
    );
    const expression = new Models.LicenseExpression(parts.join(' AND '));
    expression.acknowledgement = Enums.LicenseAcknowledgement.Declared;
    return { declared: [expression], evidence: names.map((n) => namedLicense(n.text)), invalidExpressions };
  }
  return {
    declared: [
      ...ids.map(
        (i) => new Models.SpdxLicense(i.id, { acknowledgement: Enums.LicenseAcknowledgement.Declared }),
      ),
      ...names.map((n) => namedLicense(n.text)),
    ],
    evidence: [],
    invalidExpressions,
  };
}

function classify(license: License, invalid: string[]): Classified {
  if ('text' in license) return { kind: 'name', text: license.text };
  const expression = license.expression.trim();
  const node = parseSpdxExpression(expression);
  if (node === undefined) {
    // SPDX matches license ids case-insensitively; `mit` is MIT.
    const fixed = SPDX.fixupSpdxId(expression);
    if (fixed !== undefined) return { kind: 'id', id: fixed };
    invalid.push(license.expression);
    return { kind: 'name', text: license.expression };
  }
  if ('license' in node && !node.plus && !node.exception && SPDX.isSupportedSpdxId(node.license)) {
    return { kind: 'id', id: node.license };
  }
  return { kind: 'expression', expression, compound: 'conjunction' in node };
}

function namedLicense(text: string): Models.NamedLicense {
  const trimmed = text.trim();
  const acknowledgement = Enums.LicenseAcknowledgement.Declared;
  if (trimmed.length <= MAX_NAME_LENGTH && !/[\r\n]/.test(trimmed)) {
    return new Models.NamedLicense(trimmed, { acknowledgement });
  }
  const firstLine = trimmed.split(/\r?\n|\r/, 1)[0]!.trim();
  const name = firstLine.length > MAX_NAME_LENGTH ? `${firstLine.slice(0, MAX_NAME_LENGTH - 1)}…` : firstLine;
  return new Models.NamedLicense(name, {
    acknowledgement,
    text: new Models.Attachment(text, { contentType: 'text/plain' }),
  });
}
