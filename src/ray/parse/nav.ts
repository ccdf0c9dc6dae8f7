import type { SourceRef } from '../model.ts';
import { isRecord, lineOf } from '../yaml/safe-yaml.ts';

/** Small readers for parsed YAML that tolerate any shape: a wrong type reads as absent. */

export function rec(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Scalars as text (`0` → `'0'`, `true` → `'true'`); collections and null read as absent. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
  }
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A location for `container[key]` (or the container itself), labelled with a field path. */
export function refAt(
  file: string,
  container: unknown,
  key: string | number | undefined,
  field: string,
): SourceRef {
  const line = (key === undefined ? undefined : lineOf(container, key)) ?? lineOf(container);
  return { file, ...(line !== undefined ? { line } : {}), field };
}

/** `a.b[0].c` style path join. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const r = rec(value);
  if (!r) return out;
  for (const [k, v] of Object.entries(r)) {
    const s = str(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}
