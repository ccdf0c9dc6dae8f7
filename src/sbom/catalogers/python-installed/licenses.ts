import { classifierToSpdx, licenseClassifierName } from '../../licenses/license-names.ts';
import { isSpdx, licenseFromText } from '../../licenses/license-text.ts';
import { normalizeSpdxExpression } from '../../licenses/spdx-expression.ts';
import type { License } from '../../model.ts';
import { type CoreMetadata, metadataField, metadataFields } from '../../python/core-metadata.ts';

export interface PythonLicenses {
  licenses: License[];
  /** A PEP 639 License-Expression that is not a valid SPDX expression (kept as text). */
  invalidExpression?: string;
}

/**
 * The licenses core metadata declares, most precise source first: PEP 639 `License-Expression`; the
 * `License` field when it names an SPDX license; the `License ::` classifiers that name one; else the
 * `License` text as written, or the names the classifiers give (`BSD License`).
 */
export function pythonLicenses(metadata: CoreMetadata): PythonLicenses {
  const expression = metadataField(metadata, 'License-Expression');
  if (expression !== undefined) {
    const normalized = normalizeSpdxExpression(expression);
    return normalized
      ? { licenses: [{ expression: normalized }] }
      : { licenses: [{ text: expression }], invalidExpression: expression };
  }
  const field = licenseFromText(metadataField(metadata, 'License'));
  if (isSpdx(field)) return { licenses: [field] };
  const fromClassifiers = new Set<string>();
  const unmapped = new Set<string>();
  for (const classifier of metadataFields(metadata, 'Classifier')) {
    const id = classifierToSpdx(classifier);
    if (id) fromClassifiers.add(id);
    else {
      const name = licenseClassifierName(classifier);
      if (name) unmapped.add(name);
    }
  }
  if (fromClassifiers.size > 0) {
    return { licenses: [...fromClassifiers].sort().map((id) => ({ expression: id })) };
  }
  if (field) return { licenses: [field] };
  return { licenses: [...unmapped].sort().map((text) => ({ text })) };
}
