import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { PolicyProblem, SourcePosition } from './problems.ts';

/**
 * Reads a policy file's YAML into plain data plus the position of every key and value, so validation
 * errors can name a line and column. Policies are small, hand-written documents, so the reader is strict
 * and bounded: one document, YAML 1.2 core schema (no `yes`/`no` booleans, no `<<` merges, dates stay
 * strings), no tags beyond the core ones, duplicate keys reported, and aliases allowed only within a node
 * budget in which every alias counts at the full size of what it points to (an alias bomb stops there).
 */
export const POLICY_YAML_LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  /** Nodes after alias expansion. */
  maxNodes: 100_000,
  maxAliases: 1_000,
} as const;

export interface YamlTree {
  value: unknown;
  /** JSON pointer (`/rules/0/severity`) → where its key and its value are written. */
  positions: Map<string, { key?: SourcePosition; value: SourcePosition }>;
}

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

class Stop extends Error {}

export function readYamlTree(
  text: string,
  limits: Partial<typeof POLICY_YAML_LIMITS> = {},
): { tree?: YamlTree; problems: PolicyProblem[] } {
  const bounds = { ...POLICY_YAML_LIMITS, ...limits };
  const problems: PolicyProblem[] = [];
  const size = Buffer.byteLength(text, 'utf8');
  if (size > bounds.maxBytes) {
    problems.push(
      problem('POLICY_TOO_LARGE', `the file is ${size} bytes; a policy may be at most ${bounds.maxBytes}`, {
        line: 1,
        column: 1,
      }),
    );
    return { problems };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const at = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  for (const error of doc.errors) {
    problems.push(problem('POLICY_YAML_SYNTAX', firstLine(error.message), at(error.pos[0])));
  }
  if (problems.length > 0) return { problems };
  if (doc.contents === null) {
    problems.push(problem('POLICY_EMPTY', 'the file holds no policy', { line: 1, column: 1 }));
    return { problems };
  }
  const converter = new Converter(doc, text, at, bounds, problems);
  let value: unknown;
  try {
    value = converter.convert(doc.contents as YamlNode, '', 0);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { problems };
  }
  if (problems.length > 0) return { problems };
  return { tree: { value, positions: converter.positions }, problems };
}

class Converter {
  readonly positions: YamlTree['positions'] = new Map();
  private readonly converted = new Map<YamlNode, unknown>();
  private readonly sizes = new Map<YamlNode, number>();
  private readonly inProgress = new Set<YamlNode>();
  private nodes = 0;
  private aliases = 0;
  private readonly doc: Document.Parsed;
  private readonly text: string;
  private readonly at: (offset: number | undefined) => SourcePosition;
  private readonly bounds: typeof POLICY_YAML_LIMITS;
  private readonly problems: PolicyProblem[];

  constructor(
    doc: Document.Parsed,
    text: string,
    at: (offset: number | undefined) => SourcePosition,
    bounds: typeof POLICY_YAML_LIMITS,
    problems: PolicyProblem[],
  ) {
    this.doc = doc;
    this.text = text;
    this.at = at;
    this.bounds = bounds;
    this.problems = problems;
  }

  convert(node: YamlNode, pointer: string, depth: number, key?: SourcePosition): unknown {
    const position = this.at(node.range?.[0]);
    if (!this.positions.has(pointer))
      this.positions.set(pointer, { ...(key ? { key } : {}), value: position });
    if (depth > this.bounds.maxDepth) {
      this.fail('POLICY_YAML_TOO_DEEP', `nesting deeper than ${this.bounds.maxDepth} levels`, position);
    }
    if (isAlias(node)) return this.alias(node, position);
    this.count(1, position);
    this.checkTag(node);
    if (isScalar(node)) return this.scalar(node.value, position);
    if (isSeq(node)) {
      if (this.inProgress.has(node))
        this.fail('POLICY_YAML_ALIAS_CYCLE', 'an alias refers to itself', position);
      this.inProgress.add(node);
      const out = node.items.map((item, i) => this.convert(item as YamlNode, `${pointer}/${i}`, depth + 1));
      this.inProgress.delete(node);
      this.converted.set(node, out);
      return out;
    }
    if (isMap(node)) {
      if (this.inProgress.has(node))
        this.fail('POLICY_YAML_ALIAS_CYCLE', 'an alias refers to itself', position);
      this.inProgress.add(node);
      const out: Record<string, unknown> = {};
      const seen = new Map<string, SourcePosition>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const keyAt = this.at(keyNode?.range?.[0] ?? node.range?.[0]);
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          this.report('POLICY_YAML_KEY', 'keys must be plain strings', keyAt);
          continue;
        }
        this.checkTag(keyNode);
        const name = String(keyNode.value);
        const first = seen.get(name);
        if (first) {
          this.report(
            'POLICY_YAML_DUPLICATE_KEY',
            `duplicate key '${name}' (first written at line ${first.line}, column ${first.column})`,
            keyAt,
          );
          continue;
        }
        seen.set(name, keyAt);
        const child = `${pointer}/${escapePointer(name)}`;
        const valueNode = pair.value as YamlNode | null;
        if (valueNode === null) {
          this.positions.set(child, { key: keyAt, value: keyAt });
          define(out, name, null);
          continue;
        }
        define(out, name, this.convert(valueNode, child, depth + 1, keyAt));
      }
      this.inProgress.delete(node);
      this.converted.set(node, out);
      return out;
    }
    this.fail('POLICY_YAML_NODE', 'unsupported YAML node', position);
  }

  private alias(node: YamlNode & { resolve(doc: Document): unknown }, position: SourcePosition): unknown {
    this.aliases++;
    if (this.aliases > this.bounds.maxAliases) {
      this.fail('POLICY_YAML_ALIASES', `more than ${this.bounds.maxAliases} aliases`, position);
    }
    const target = node.resolve(this.doc) as YamlNode | undefined;
    if (!target) {
      this.fail(
        'POLICY_YAML_ALIAS',
        `the alias *${String((node as { source?: string }).source)} names no anchor`,
        position,
      );
    }
    if (this.inProgress.has(target))
      this.fail('POLICY_YAML_ALIAS_CYCLE', 'an alias refers to itself', position);
    // The target is shared, not copied; its expanded size still counts, so nesting aliases cannot
    // multiply the data past the node budget.
    this.count(this.sizeOf(target, 0), position);
    if (this.converted.has(target)) return this.converted.get(target);
    return this.convert(target, '\u0000alias', 0);
  }

  private sizeOf(node: YamlNode, depth: number): number {
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    if (depth > this.bounds.maxDepth) return this.bounds.maxNodes + 1;
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      size = target && !this.inProgress.has(target) ? this.sizeOf(target, depth + 1) : 1;
    } else if (isSeq(node)) {
      for (const item of node.items) size += this.sizeOf(item as YamlNode, depth + 1);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && pair.value) size += this.sizeOf(pair.value as YamlNode, depth + 1);
      }
    }
    size = Math.min(size, this.bounds.maxNodes + 1);
    this.sizes.set(node, size);
    return size;
  }

  private count(n: number, position: SourcePosition): void {
    this.nodes += n;
    if (this.nodes > this.bounds.maxNodes) {
      this.fail(
        'POLICY_YAML_TOO_LARGE',
        `more than ${this.bounds.maxNodes} YAML nodes once aliases are expanded (an alias bomb?)`,
        position,
      );
    }
  }

  private checkTag(node: YamlNode): void {
    const tag = (node as { tag?: string }).tag;
    if (tag === undefined || CORE_TAGS.has(tag)) return;
    const written = this.tagToken(node.range?.[0] ?? 0);
    this.report(
      'POLICY_YAML_TAG',
      `the tag ${written?.text ?? tag} is not allowed: policies are plain data`,
      this.at(written?.offset ?? node.range?.[0]),
    );
  }

  /** The tag as written just before the node's content (`!!python/object`, `!Ref`). */
  private tagToken(start: number): { text: string; offset: number } | undefined {
    let end = start;
    while (end > 0 && /\s/.test(this.text[end - 1]!)) end--;
    let begin = end;
    while (begin > 0 && !/\s/.test(this.text[begin - 1]!)) begin--;
    const text = this.text.slice(begin, end);
    return text.startsWith('!') ? { text, offset: begin } : undefined;
  }

  private scalar(value: unknown, position: SourcePosition): unknown {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      this.report('POLICY_YAML_NUMBER', 'numbers must be finite', position);
      return null;
    }
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
    this.report('POLICY_YAML_SCALAR', `unsupported value ${String(value)}`, position);
    return null;
  }

  private report(code: string, message: string, position: SourcePosition): void {
    this.problems.push(problem(code, message, position));
  }

  private fail(code: string, message: string, position: SourcePosition): never {
    this.report(code, message, position);
    throw new Stop();
  }
}

/** Own, enumerable property even for `__proto__`: the data never reaches a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function problem(code: string, message: string, position: SourcePosition): PolicyProblem {
  return { code, message, line: position.line, column: position.column };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
