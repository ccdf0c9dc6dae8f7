/**
 * An egg-info `requires.txt`: requirement lines, grouped under `[extra]`, `[extra:marker]` or `[:marker]`
 * sections. Turned into PEP 508 requirement strings with the section folded into the marker, the way
 * importlib.metadata presents them.
 */
export function requiresTxtToRequirements(text: string): string[] {
  const out: string[] = [];
  let section = { extra: '', marker: '' };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      const [extra = '', marker = ''] = header[1]!.split(':', 2);
      section = { extra: extra.trim(), marker: marker.trim() };
      continue;
    }
    const semicolon = line.indexOf(';');
    const requirement = semicolon < 0 ? line : line.slice(0, semicolon).trim();
    const conditions: string[] = [];
    if (semicolon >= 0) conditions.push(`(${line.slice(semicolon + 1).trim()})`);
    if (section.marker) conditions.push(`(${section.marker})`);
    if (section.extra) conditions.push(`extra == "${section.extra}"`);
    out.push(conditions.length > 0 ? `${requirement}; ${conditions.join(' and ')}` : requirement);
  }
  return out;
}
