/** The fields of os-release(5) raygate uses. */
export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  name?: string;
  idLike: string[];
  buildId?: string;
}

/**
 * Parses os-release(5): `KEY=value` lines, values unquoted or in shell-style single or double quotes
 * (backslash escapes inside double quotes), `#` comments. Returns undefined when there is no ID; `ID`
 * defaults to `linux` per the specification only when the file has other content.
 */
export function parseOsRelease(text: string): OsRelease | undefined {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Z0-9_]+$/.test(key)) continue;
    fields[key] = unquote(line.slice(eq + 1));
  }
  if (Object.keys(fields).length === 0) return undefined;
  const release: OsRelease = {
    id: (fields.ID || 'linux').toLowerCase(),
    idLike: (fields.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
  };
  if (fields.VERSION_ID) release.versionId = fields.VERSION_ID;
  if (fields.VERSION_CODENAME) release.versionCodename = fields.VERSION_CODENAME;
  if (fields.PRETTY_NAME) release.prettyName = fields.PRETTY_NAME;
  if (fields.NAME) release.name = fields.NAME;
  if (fields.BUILD_ID) release.buildId = fields.BUILD_ID;
  return release;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
    return v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** The `distro` purl qualifier Debian, Ubuntu and Alpine purls carry: `<id>-<version_id>`. */
export function distroQualifier(release: OsRelease): string | undefined {
  return release.versionId ? `${release.id}-${release.versionId}` : undefined;
}
