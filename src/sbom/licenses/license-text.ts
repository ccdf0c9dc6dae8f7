import type { License } from '../model.ts';
import { licenseNameToSpdx } from './license-names.ts';

const PLACEHOLDERS = new Set(['', 'unknown', 'none', 'n/a', 'na', 'not specified', 'undefined']);

/**
 * A license as a package manager recorded it (a conda record's `license`, a METADATA `License` field):
 * an SPDX expression when the text determines one, else the text itself. Placeholders (`UNKNOWN`) give
 * nothing. A field holding a whole license text is judged by its title line and otherwise keeps only that
 * line: the BOM names the license, it does not reproduce it.
 */
export function licenseFromText(raw: string | undefined): License | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (PLACEHOLDERS.has(text.toLowerCase())) return undefined;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  // A whole license text usually opens with its title (`BSD 3-Clause License`, `MIT License`).
  const expression = licenseNameToSpdx(lines.length > 1 ? lines[0]! : text);
  if (expression) return { expression };
  let name = lines[0]!.trim();
  if (lines.length > 1) name = `${name} …`;
  if (name.length > 300) name = `${name.slice(0, 300)}…`;
  return { text: name };
}

/** True when a license text determined an SPDX expression (used to choose between sources). */
export function isSpdx(license: License | undefined): license is { expression: string } {
  return license !== undefined && 'expression' in license;
}
