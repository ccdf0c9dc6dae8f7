import type { LabelSelector } from '../model.ts';
import { arr, rec, str, stringMap } from './nav.ts';

export function parseLabelSelector(value: unknown): LabelSelector {
  const r = rec(value);
  return {
    matchLabels: stringMap(r?.matchLabels),
    matchExpressions: arr(r?.matchExpressions)
      .map((e) => rec(e))
      .filter((e) => e !== undefined)
      .map((e) => ({
        key: str(e.key) ?? '',
        operator: str(e.operator) ?? '',
        values: arr(e.values).map((v) => str(v) ?? ''),
      })),
  };
}

/**
 * Kubernetes label-selector semantics: every matchLabels entry and every expression must hold; an empty
 * selector selects everything. `labels` may leave a label unknown (`undefined`): a requirement on an unknown
 * label is then assumed to hold, so a policy written for the pods is credited.
 */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string | undefined>,
  unknown: ReadonlySet<string> = new Set(),
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (unknown.has(k)) continue;
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions) {
    if (unknown.has(e.key)) continue;
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (value === undefined || !e.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && e.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
