import { normalizeSpdxExpression, spdxId } from './spdx-expression.ts';

/**
 * Free-text license names as packages write them (`Apache 2.0`, `MIT License`, `GPLv2+`, trove classifier
 * names) mapped to SPDX identifiers — only where the name determines one license. `BSD`, `GPL` or
 * `Apache` alone do not say which version or variant, so they map to nothing and the caller keeps the text.
 */
const NAMES: Record<string, string> = {
  'apache 2': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  apache2: 'Apache-2.0',
  'apache software': 'Apache-2.0',
  'apache software 2.0': 'Apache-2.0',
  'apache software foundation': 'Apache-2.0',
  'asl 2': 'Apache-2.0',
  'asl 2.0': 'Apache-2.0',
  mit: 'MIT',
  expat: 'MIT',
  'mit expat': 'MIT',
  'mit no attribution': 'MIT-0',
  'bsd 3-clause': 'BSD-3-Clause',
  'bsd-3': 'BSD-3-Clause',
  'bsd 3 clause': 'BSD-3-Clause',
  '3-clause bsd': 'BSD-3-Clause',
  '3 clause bsd': 'BSD-3-Clause',
  'new bsd': 'BSD-3-Clause',
  'bsd new': 'BSD-3-Clause',
  'modified bsd': 'BSD-3-Clause',
  'revised bsd': 'BSD-3-Clause',
  'bsd 3-clause new or revised': 'BSD-3-Clause',
  'bsd 2-clause': 'BSD-2-Clause',
  'bsd-2': 'BSD-2-Clause',
  'bsd 2 clause': 'BSD-2-Clause',
  '2-clause bsd': 'BSD-2-Clause',
  '2 clause bsd': 'BSD-2-Clause',
  'simplified bsd': 'BSD-2-Clause',
  'bsd simplified': 'BSD-2-Clause',
  freebsd: 'BSD-2-Clause',
  psf: 'PSF-2.0',
  psfl: 'PSF-2.0',
  'psf 2': 'PSF-2.0',
  'python software foundation': 'PSF-2.0',
  'python software foundation 2': 'PSF-2.0',
  'mozilla public 2.0': 'MPL-2.0',
  'mpl 2': 'MPL-2.0',
  'mpl 2.0': 'MPL-2.0',
  mpl2: 'MPL-2.0',
  'mozilla public 1.1': 'MPL-1.1',
  'mpl 1.1': 'MPL-1.1',
  'mozilla public 1.0': 'MPL-1.0',
  unlicense: 'Unlicense',
  cc0: 'CC0-1.0',
  'cc0 1.0': 'CC0-1.0',
  'cc0 1.0 universal': 'CC0-1.0',
  'cc0 1.0 universal public domain dedication': 'CC0-1.0',
  'eclipse public 2.0': 'EPL-2.0',
  'epl 2.0': 'EPL-2.0',
  'eclipse public 1.0': 'EPL-1.0',
  'epl 1.0': 'EPL-1.0',
  'boost software 1.0': 'BSL-1.0',
  'zlib/libpng': 'Zlib',
  'european union public 1.2': 'EUPL-1.2',
  'eupl 1.2': 'EUPL-1.2',
  'european union public 1.1': 'EUPL-1.1',
  'universal permissive': 'UPL-1.0',
  'historical permission notice and disclaimer': 'HPND',
  'sil open font 1.1': 'OFL-1.1',
  'common development and distribution 1.0': 'CDDL-1.0',
  isc: 'ISC',
  w3c: 'W3C',
};

const GNU_FAMILY: [RegExp, string][] = [
  [/\bgnu affero general public\b/g, 'agpl'],
  [/\bgnu library or lesser general public\b/g, 'lgpl'],
  [/\bgnu lesser general public\b/g, 'lgpl'],
  [/\bgnu library general public\b/g, 'lgpl'],
  [/\bgnu general public\b/g, 'gpl'],
  [/\bgnu gpl\b/g, 'gpl'],
  [/\bgnu lgpl\b/g, 'lgpl'],
];

const GPL =
  /^(a|l)?gpl[ -]?v?(\d)(?:\.(\d))?(?:\.0)?\s*(\+|or later|or-later|or newer|or any later)?(?: only)?$/;

/** A key that ignores case, punctuation and filler words (`The MIT License (MIT)` → `mit`). */
function keyOf(text: string): string {
  let key = text
    .toLowerCase()
    .replace(/[",;]/g, ' ')
    .replace(/\blicen[cs]e[sd]?\b/g, ' ')
    .replace(/\b(the|version|vers\.?)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [from, to] of GNU_FAMILY) key = key.replace(from, to);
  return key.replace(/\b(\w+) \1\b/g, '$1');
}

/** The SPDX expression a free-text license name determines, or undefined when it does not determine one. */
export function licenseNameToSpdx(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 200 || trimmed.includes('\n')) return undefined;
  const direct = normalizeSpdxExpression(trimmed);
  if (direct) return direct;
  const single = singleName(trimmed);
  if (single) return single;
  // `Apache 2.0 or MIT`: each part must map on its own (`v2 or later` is one part).
  const parts = trimmed.split(/\s+(or|and)\s+(?!later\b|newer\b|any later\b)/i);
  if (parts.length > 1) {
    const mapped: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const one = singleName(parts[i]!);
      if (!one) return undefined;
      mapped.push(one.includes(' ') ? `(${one})` : one);
    }
    const ops = parts.filter((_, i) => i % 2 === 1).map((op) => op.toUpperCase());
    return normalizeSpdxExpression(mapped.map((m, i) => (i === 0 ? m : `${ops[i - 1]} ${m}`)).join(' '));
  }
  return undefined;
}

function singleName(text: string): string | undefined {
  const withoutParens = text.replace(/\(([^()]*)\)/g, ' ').trim();
  // `Eclipse Public License 2.0 (EPL-2.0)`: an SPDX id in parentheses names the license exactly.
  for (const m of text.matchAll(/\(([^()]*)\)/g)) {
    const id = spdxId(m[1]!);
    if (id) return id;
  }
  for (const candidate of [withoutParens, text]) {
    if (candidate === '') continue;
    const direct = spdxId(candidate);
    if (direct) return direct;
    const key = keyOf(candidate.replace(/[()]/g, ' '));
    const named = NAMES[key];
    if (named) return named;
    const gpl = GPL.exec(key);
    if (gpl) {
      const family = (gpl[1] ?? '').toUpperCase();
      const major = gpl[2]!;
      const minor = gpl[3] ?? '0';
      const id = spdxId(`${family}GPL-${major}.${minor}-${gpl[4] ? 'or-later' : 'only'}`);
      if (id) return id;
    }
  }
  return undefined;
}

/** The license a trove classifier (`License :: OSI Approved :: MIT License`) names, when it names one. */
export function classifierToSpdx(classifier: string): string | undefined {
  const name = licenseClassifierName(classifier);
  return name === undefined || name === 'Other/Proprietary License' ? undefined : singleName(name);
}

/** The license name a `License ::` classifier ends in, unless it is only the `OSI Approved` category. */
export function licenseClassifierName(classifier: string): string | undefined {
  const parts = classifier.split('::').map((p) => p.trim());
  if (parts[0] !== 'License' || parts.length < 2) return undefined;
  const name = parts[parts.length - 1]!;
  return name === 'OSI Approved' || name === '' ? undefined : name;
}
