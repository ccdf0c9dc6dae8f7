/** One package record of apk's installed database. */
export interface ApkRecord {
  line: number;
  /** Single-valued fields by their one-letter key (P, V, A, o, m, c, L, …). */
  fields: Map<string, string>;
  depends: string[];
  provides: string[];
}

/**
 * Parses `/lib/apk/db/installed`: records of `K:value` lines separated by blank lines (apk-tools'
 * "installed database" format). File lines (`F:`, `R:`, `a:`, `Z:`, `M:`) are skipped: raygate does
 * not record Alpine package files.
 */
export function parseApkInstalled(text: string): { records: ApkRecord[]; malformedLines: number[] } {
  const records: ApkRecord[] = [];
  const malformedLines: number[] = [];
  let current: ApkRecord | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') {
      current = undefined;
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      malformedLines.push(i + 1);
      continue;
    }
    const key = line[0]!;
    const value = line.slice(2);
    if (!current) {
      current = { line: i + 1, fields: new Map(), depends: [], provides: [] };
      records.push(current);
    }
    if (key === 'D') current.depends.push(...value.split(/\s+/).filter(Boolean));
    else if (key === 'p') current.provides.push(...value.split(/\s+/).filter(Boolean));
    else if (!current.fields.has(key)) current.fields.set(key, value);
  }
  return { records, malformedLines };
}

/** `so:libc.musl-x86_64.so.1`, `musl>=1.2` → the name part (`so:libc.musl-x86_64.so.1`, `musl`). */
export function apkDependencyName(value: string): string {
  return value.replace(/^!/, '').split(/[<>=~]/)[0]!;
}
