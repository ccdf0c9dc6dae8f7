/**
 * A dist-info RECORD: one CSV row (Python's default dialect) per installed file — path, `algo=digest`
 * (URL-safe base64), size. The hashes describe single files, never the distribution as a whole.
 */
export interface InstalledFiles {
  /** Paths as written: relative to the folder holding the dist-info (may climb out with `..`). */
  paths: string[];
  /** Rows that do not have the three RECORD columns (merge-conflict debris, truncated lines); not in `paths`. */
  malformedRows: number;
}

export function parseRecord(text: string): InstalledFiles {
  const paths: string[] = [];
  let malformedRows = 0;
  for (const row of csvRows(text)) {
    if (row.length === 1 && row[0] === '') continue;
    if (row.length !== 3 || row[0] === '') malformedRows++;
    else paths.push(row[0]!);
  }
  return { paths, malformedRows };
}

/** An egg-info `installed-files.txt`: one path per line, relative to the egg-info folder. */
export function parseInstalledFilesTxt(text: string): InstalledFiles {
  const paths = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
  return { paths, malformedRows: 0 };
}

/** CSV rows with `"` quoting (doubled quotes inside quoted fields), as Python's csv module writes them. */
function* csvRows(text: string): Generator<string[]> {
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = nextLineEnd(text, pos);
    const line = text.slice(pos, lineEnd);
    if (!line.includes('"')) {
      // Fast path: RECORD rows almost never need quoting.
      yield line.endsWith('\r') ? line.slice(0, -1).split(',') : line.split(',');
      pos = lineEnd + 1;
      continue;
    }
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let i = pos;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n') break;
      else if (c !== '\r') field += c;
    }
    fields.push(field);
    yield fields;
    pos = i + 1;
  }
}

function nextLineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}
