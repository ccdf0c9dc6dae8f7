/** One stanza of a deb822 file (dpkg status): field names as written, continuation lines joined. */
export interface Stanza {
  fields: Map<string, string>;
  /** 1-based line of the stanza's first field. */
  line: number;
}

/**
 * Splits a dpkg status file (deb822: `Field: value` lines, continuation lines starting with a space or
 * tab, stanzas separated by blank lines) into stanzas. Lines that are neither a field nor a continuation
 * are skipped and counted, so a corrupt stanza still yields the fields that can be read.
 */
export function parseDeb822(text: string): { stanzas: Stanza[]; malformedLines: number[] } {
  const stanzas: Stanza[] = [];
  const malformedLines: number[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current && lastField !== undefined) {
        current.fields.set(lastField, `${current.fields.get(lastField)}\n${line.slice(1)}`);
      } else malformedLines.push(i + 1);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      malformedLines.push(i + 1);
      lastField = undefined;
      continue;
    }
    if (!current) {
      current = { fields: new Map(), line: i + 1 };
      stanzas.push(current);
    }
    lastField = line.slice(0, colon);
    current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  return { stanzas, malformedLines };
}

/** `Source: name (version)` or `Source: name`. */
export function parseSourceField(value: string | undefined): { name?: string; version?: string } {
  if (!value) return {};
  const match = /^(\S+)(?:\s+\(([^)]+)\))?\s*$/.exec(value.trim());
  if (!match) return {};
  return match[2] ? { name: match[1]!, version: match[2].trim() } : { name: match[1]! };
}

/**
 * `Depends`-style lists: `a (>= 1), b | c, d:any` → [['a'], ['b', 'c'], ['d']] (alternatives per
 * group, architecture qualifiers and version constraints dropped).
 */
export function parseRelationField(value: string | undefined): string[][] {
  if (!value) return [];
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().split(/[\s(]/)[0]!.split(':')[0]!)
        .filter((name) => name !== ''),
    )
    .filter((group) => group.length > 0);
}

/** dpkg states in which a package's files are on disk (dpkg-query(1), "Package states"). */
const PRESENT_STATES = new Set([
  'installed',
  'unpacked',
  'half-configured',
  'half-installed',
  'triggers-awaited',
  'triggers-pending',
]);

/**
 * True when a `Status: want flag state` line means the package's files are on disk. A stanza without
 * Status is present in distroless `status.d/` files (which never carry one) and absent in the status
 * file, as dpkg itself treats it.
 */
export function isPresent(status: string | undefined, statusOptional = false): boolean {
  if (status === undefined) return statusOptional;
  const state = status.trim().split(/\s+/)[2];
  return state !== undefined && PRESENT_STATES.has(state);
}
