/** PEP 503 name normalisation: case-folded, runs of `-`, `_` and `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

/** PEP 508 distribution names: ASCII letters and digits, with `.`, `_`, `-` inside. */
export function isValidPythonName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}

/** Normalises an extra name the way PEP 685 does (the same rule as names). */
export function normalizeExtra(extra: string): string {
  return normalizePythonName(extra);
}
