import { type Marker, MarkerSyntaxError, parseMarker } from './markers.ts';
import { isValidPythonName, normalizeExtra, normalizePythonName } from './names.ts';

/** A PEP 508 dependency specification, parsed. */
export interface Requirement {
  /** As written. */
  rawName: string;
  /** PEP 503-normalised. */
  name: string;
  extras: string[];
  /** Comma-joined version clauses without spaces (`>=1.0,<2`), or empty. */
  specifier: string;
  clauses: VersionClause[];
  url?: string;
  marker?: Marker;
  markerText?: string;
}

export interface VersionClause {
  operator: '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===';
  version: string;
}

export class RequirementSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'RequirementSyntaxError';
    this.position = position;
  }
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const CLAUSE = /^\s*(===|==|!=|<=|>=|~=|<|>)\s*([^\s,;)]+)\s*/;

/** Parses one PEP 508 requirement (`name[extra]>=1.0; python_version < "3.12"` or `name @ URL ; marker`). */
export function parseRequirement(input: string): Requirement {
  const text = input.trim();
  const nameMatch = NAME.exec(text);
  if (!nameMatch || !isValidPythonName(nameMatch[0])) {
    throw new RequirementSyntaxError(`'${text.slice(0, 60)}' does not start with a valid package name`, 0);
  }
  const rawName = nameMatch[0];
  let pos = rawName.length;
  const skip = () => {
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
  };
  skip();

  const extras: string[] = [];
  if (text[pos] === '[') {
    const end = text.indexOf(']', pos);
    if (end < 0) throw new RequirementSyntaxError("missing ']' after extras", pos);
    for (const part of text.slice(pos + 1, end).split(',')) {
      const extra = part.trim();
      if (extra === '') continue;
      if (!isValidPythonName(extra)) throw new RequirementSyntaxError(`invalid extra '${extra}'`, pos);
      extras.push(normalizeExtra(extra));
    }
    pos = end + 1;
    skip();
  }

  let url: string | undefined;
  const clauses: VersionClause[] = [];
  if (text[pos] === '@') {
    pos++;
    skip();
    const m = /^\S+/.exec(text.slice(pos));
    if (!m) throw new RequirementSyntaxError("missing URL after '@'", pos);
    // A ';' glued to the URL belongs to the URL (PEP 508 requires whitespace before the marker).
    url = m[0];
    pos += url.length;
    skip();
  } else {
    const parenthesised = text[pos] === '(';
    if (parenthesised) pos++;
    for (;;) {
      const m = CLAUSE.exec(text.slice(pos));
      if (!m) break;
      clauses.push({ operator: m[1] as VersionClause['operator'], version: m[2]! });
      pos += m[0].length;
      if (text[pos] !== ',') break;
      pos++;
    }
    if (parenthesised) {
      skip();
      if (text[pos] !== ')') throw new RequirementSyntaxError("missing ')'", pos);
      pos++;
    }
    skip();
  }

  let marker: Marker | undefined;
  let markerText: string | undefined;
  if (text[pos] === ';') {
    markerText = text.slice(pos + 1).trim();
    try {
      marker = parseMarker(markerText);
    } catch (error) {
      if (error instanceof MarkerSyntaxError) {
        throw new RequirementSyntaxError(`invalid marker: ${error.message}`, pos + 1 + error.position);
      }
      throw error;
    }
    pos = text.length;
  }
  if (pos < text.length) {
    throw new RequirementSyntaxError(`unexpected '${text.slice(pos, pos + 20)}'`, pos);
  }

  const requirement: Requirement = {
    rawName,
    name: normalizePythonName(rawName),
    extras,
    specifier: clauses.map((c) => `${c.operator}${c.version}`).join(','),
    clauses,
  };
  if (url !== undefined) requirement.url = url;
  if (marker !== undefined) {
    requirement.marker = marker;
    requirement.markerText = markerText;
  }
  return requirement;
}

/** The single version a specifier pins (`==1.2.3` or `===1.2.3`), or undefined for ranges and wildcards. */
export function pinnedVersion(clauses: readonly VersionClause[]): string | undefined {
  if (clauses.length !== 1) return undefined;
  const [clause] = clauses;
  if (clause!.operator === '===') return clause!.version;
  if (clause!.operator === '==' && !clause!.version.endsWith('.*')) return clause!.version;
  return undefined;
}
