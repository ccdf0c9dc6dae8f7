/** Narrowing helpers for parsed TOML/JSON/YAML values, which are untrusted and may have any shape. */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A string field's value; a number or array where a string belongs (`version = 1.0`) gives undefined. */
export function stringField(table: Table, key: string): string | undefined {
  const value = table[key];
  return typeof value === 'string' ? value : undefined;
}

/** Describes a value's type for messages: `a number`, `an array`, … */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a table';
  return `a ${typeof value}`;
}

/** Own keys of a table, excluding prototype-polluting ones a hostile file might carry. */
export function safeKeys(table: Table): string[] {
  return Object.keys(table).filter((k) => k !== '__proto__' && k !== 'constructor' && k !== 'prototype');
}
