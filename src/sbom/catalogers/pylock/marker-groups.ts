import { type Marker, MarkerSyntaxError, parseMarker } from '../../python/markers.ts';
import { normalizeExtra } from '../../python/names.ts';

/**
 * The extras and dependency groups a PEP 751 marker names (`'tests' in extras`, `'dev' in
 * dependency_groups`): the groups a package belongs to. Undefined when the marker does not parse.
 */
export function markerGroups(text: string): string[] | undefined {
  let marker: Marker;
  try {
    marker = parseMarker(text);
  } catch (error) {
    if (error instanceof MarkerSyntaxError) return undefined;
    throw error;
  }
  const out = new Set<string>();
  const visit = (m: Marker) => {
    if (m.op !== 'compare') {
      visit(m.left);
      visit(m.right);
      return;
    }
    if (m.comparator !== 'in') return;
    const set = 'variable' in m.right ? m.right.variable : undefined;
    if ((set === 'extras' || set === 'dependency_groups') && 'literal' in m.left)
      out.add(normalizeExtra(m.left.literal));
  };
  visit(marker);
  return [...out].sort();
}
