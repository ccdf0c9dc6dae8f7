import { createRequire } from 'node:module';

/** The tree spdx-expression-parse returns: a single license (maybe `+` or `WITH`), or a conjunction. */
export type SpdxNode =
  | { license: string; plus?: true; exception?: string }
  | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode };

// spdx-expression-parse is CommonJS without type declarations; this is its only entry point here.
const parse = createRequire(import.meta.url)('spdx-expression-parse') as (expression: string) => SpdxNode;

/** Parses an SPDX license expression; undefined when it is not one. */
export function parseSpdxExpression(expression: string): SpdxNode | undefined {
  try {
    return parse(expression);
  } catch {
    return undefined;
  }
}
