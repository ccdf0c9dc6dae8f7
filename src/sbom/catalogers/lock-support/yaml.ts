import { isAlias, isNode, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { LOCK_LIMITS } from './limits.ts';
import type { ProblemLog } from './problems.ts';

export interface ParsedYaml {
  value: unknown;
  document: Document.Parsed;
  /** 1-based line where a node starts (aliases report their own position). */
  lineOf(node: unknown): number | undefined;
}

/**
 * Parses a YAML document as plain data, safely: YAML 1.2 core schema only (no custom or language tags:
 * `!!python/object` and friends are refused, never constructed), a bounded number of alias expansions
 * (alias bombs), and one document per file. Each refusal is a problem with a stable code.
 */
export function parseLockYaml(text: string, log: ProblemLog, what: string): ParsedYaml | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    schema: 'core',
    customTags: [],
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const lineOfOffset = (offset: number) => lineCounter.linePos(offset).line;

  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = lineOfOffset(first.pos[0]);
    log.error(
      'LOCK_YAML_INVALID',
      `${log.path} is not a valid ${what}: ${first.message.split('\n')[0]} (line ${line}).`,
      line,
    );
    return undefined;
  }
  const tagWarning = document.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tagWarning) {
    const line = lineOfOffset(tagWarning.pos[0]);
    const tag = /Unresolved tag: (\S+)/.exec(tagWarning.message)?.[1] ?? 'an unknown tag';
    log.error(
      'LOCK_YAML_TAG_UNSUPPORTED',
      `${log.path} uses the YAML tag ${tag} (line ${line}); only plain data is read, so the file is skipped.`,
      line,
    );
    return undefined;
  }

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: LOCK_LIMITS.maxYamlAliases });
  } catch (error) {
    if (error instanceof ReferenceError || error instanceof TypeError) {
      log.error(
        'LOCK_YAML_ALIAS_LIMIT',
        `${log.path} expands YAML aliases beyond ${LOCK_LIMITS.maxYamlAliases} (${error.message}); skipped as a resource-exhaustion attempt.`,
      );
      return undefined;
    }
    throw error;
  }
  return {
    value,
    document,
    lineOf(node: unknown) {
      if (!isNode(node) && !isAlias(node)) return undefined;
      const range = (node as Node).range;
      return range ? lineOfOffset(range[0]) : undefined;
    },
  };
}
