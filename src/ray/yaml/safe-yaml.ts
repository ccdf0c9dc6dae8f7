import {
  Lexer,
  LineCounter,
  parseAllDocuments,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { RAY_LIMITS } from '../limits.ts';
import type { RayProblem } from '../model.ts';

/**
 * YAML for untrusted deployment files. Parsing builds plain data and never constructs anything from a tag:
 * a document carrying an application tag (`!!python/object/apply:os.system`, `!Ref`) is reported and skipped,
 * because no Kubernetes, compose or cluster-launcher file uses one and tools that do honour them (PyYAML's
 * unsafe loader) would run code. Aliases are resolved by sharing, never copied, and every alias counts at the
 * size of what it points to, so an alias bomb stops at the node budget instead of exhausting memory. Nesting
 * is measured on the token stream before the parser builds anything. YAML 1.1 rules apply (yes/no/on/off are
 * booleans, `<<` merges), as kubectl, PyYAML and the Ray cluster launcher read them.
 */

export interface YamlDocument {
  /** The document as plain data: objects (null prototype), arrays, strings, numbers, booleans, null. */
  value: unknown;
  /** Zero-based position of the document in its file. */
  index: number;
  /** Line where the document's content starts. */
  line: number;
}

export interface YamlParseResult {
  documents: YamlDocument[];
  problems: RayProblem[];
}

export interface YamlParseOptions {
  /** Added to every line number (for YAML embedded in a string of another file). */
  lineOffset?: number;
  maxDepth?: number;
  maxNodes?: number;
}

interface NodeMeta {
  line: number;
  keys?: Map<string, number>;
  items?: number[];
  /** Keys that came from a merge (`<<`), which an explicit key may override without being a duplicate. */
  merged?: Set<string>;
}

const META = new WeakMap<object, NodeMeta>();

/** The line of a mapping key or sequence item inside parsed YAML, or of the collection itself. */
export function lineOf(container: unknown, key?: string | number): number | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const meta = META.get(container);
  if (!meta) return undefined;
  if (key === undefined) return meta.line;
  if (typeof key === 'number') return meta.items?.[key];
  return meta.keys?.get(key);
}

const CORE_TAGS = new Set(
  [
    'str',
    'int',
    'float',
    'bool',
    'null',
    'map',
    'seq',
    'binary',
    'timestamp',
    'set',
    'omap',
    'pairs',
    'merge',
  ].map((t) => `tag:yaml.org,2002:${t}`),
);

class YamlLimit extends Error {
  readonly code: string;
  readonly line: number | undefined;
  constructor(code: string, message: string, line?: number) {
    super(message);
    this.code = code;
    this.line = line;
  }
}

export function parseYaml(text: string, file: string, options: YamlParseOptions = {}): YamlParseResult {
  const offset = options.lineOffset ?? 0;
  const maxDepth = options.maxDepth ?? RAY_LIMITS.maxYamlDepth;
  const problems: RayProblem[] = [];
  const flowDepth = measureFlowDepth(text, maxDepth);
  if (flowDepth.exceeded) {
    problems.push({
      code: 'RAY_YAML_TOO_DEEP',
      severity: 'error',
      message: `${file} nests YAML collections deeper than ${maxDepth} levels; nothing in it was read.`,
      file,
    });
    return { documents: [], problems };
  }

  const lineCounter = new LineCounter();
  // uniqueKeys is checked below in linear time: the library's own check is quadratic in the number of keys.
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const lineAt = (pos: number | undefined) =>
    pos === undefined ? undefined : lineCounter.linePos(pos).line + offset;
  if (list.length > RAY_LIMITS.maxDocuments) {
    problems.push({
      code: 'RAY_YAML_TOO_MANY_DOCUMENTS',
      severity: 'error',
      message: `${file} holds ${list.length} YAML documents; at most ${RAY_LIMITS.maxDocuments} are read.`,
      file,
    });
  }
  const budget = { nodes: 0, max: options.maxNodes ?? RAY_LIMITS.maxYamlNodes };
  const documents: YamlDocument[] = [];
  list.slice(0, RAY_LIMITS.maxDocuments).forEach((doc, index) => {
    const errors = doc.errors;
    if (errors.length > 0) {
      const first = errors[0]!;
      problems.push({
        code: 'RAY_YAML_SYNTAX',
        severity: 'error',
        message: `${file}: YAML document ${index + 1} is not valid YAML: ${first.message.split('\n')[0]}`,
        file,
        line: lineAt(first.pos[0]),
      });
      return;
    }
    if (doc.contents === null) return;
    const converter = new Converter(doc, file, lineAt, maxDepth, budget);
    try {
      const value = converter.convert(doc.contents as YamlNode, 0);
      problems.push(...converter.problems);
      if (converter.rejected) return;
      documents.push({ value, index, line: lineAt((doc.contents as YamlNode).range?.[0]) ?? 1 + offset });
    } catch (error) {
      if (!(error instanceof YamlLimit)) throw error;
      problems.push({
        code: error.code,
        severity: 'error',
        message: `${file}: ${error.message}`,
        file,
        line: error.line,
      });
    }
  });
  return { documents, problems };
}

/** Deepest nesting of flow collections (`[`, `{`), read from the lexer's tokens so quoting is honoured. */
function measureFlowDepth(text: string, max: number): { exceeded: boolean } {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth++;
      if (depth > max) return { exceeded: true };
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return { exceeded: false };
}

class Converter {
  readonly problems: RayProblem[] = [];
  rejected = false;
  private readonly converted = new Map<YamlNode, unknown>();
  private readonly sizes = new Map<YamlNode, number>();
  private readonly doc: Document.Parsed;
  private readonly file: string;
  private readonly lineAt: (pos: number | undefined) => number | undefined;
  private readonly maxDepth: number;
  private readonly budget: { nodes: number; max: number };

  constructor(
    doc: Document.Parsed,
    file: string,
    lineAt: (pos: number | undefined) => number | undefined,
    maxDepth: number,
    budget: { nodes: number; max: number },
  ) {
    this.doc = doc;
    this.file = file;
    this.lineAt = lineAt;
    this.maxDepth = maxDepth;
    this.budget = budget;
  }

  convert(node: YamlNode | null | undefined, depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (depth > this.maxDepth) {
      throw new YamlLimit(
        'RAY_YAML_TOO_DEEP',
        `YAML collections nest deeper than ${this.maxDepth} levels.`,
        this.lineAt(node.range?.[0]),
      );
    }
    this.count(1, node);
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) {
        this.reject('RAY_YAML_ALIAS', `alias *${node.source} names no anchor`, node);
        return null;
      }
      // The alias stands for a whole copy of its target: charge that size, then share the converted value.
      this.count(this.sizeOf(target, 0), node);
      if (this.converted.has(target)) return this.converted.get(target);
      return this.convert(target, depth);
    }
    this.checkTag(node);
    const line = this.lineAt(node.range?.[0]) ?? 0;
    if (isMap(node)) {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const meta: NodeMeta = { line, keys: new Map() };
      META.set(out, meta);
      this.converted.set(node, out);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (isMergeKey(keyNode)) {
          this.merge(out, meta, pair.value as YamlNode, depth);
          continue;
        }
        const key = this.keyString(keyNode, depth);
        const keyLine = this.lineAt(keyNode?.range?.[0]) ?? line;
        if (meta.keys!.has(key) && !meta.merged?.has(key)) {
          this.problems.push({
            code: 'RAY_YAML_DUPLICATE_KEY',
            severity: 'error',
            message:
              `${this.file}:${keyLine}: key '${key}' appears twice in one mapping (first on line ${meta.keys!.get(key)}); ` +
              'kubectl and other Go YAML readers reject this, other tools keep either value. The last one is checked.',
            file: this.file,
            line: keyLine,
          });
        }
        meta.merged?.delete(key);
        out[key] = this.convert(pair.value as YamlNode, depth + 1);
        meta.keys!.set(key, keyLine);
      }
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const meta: NodeMeta = { line, items: [] };
      META.set(out, meta);
      this.converted.set(node, out);
      for (const item of node.items) {
        meta.items!.push(this.lineAt((item as YamlNode | null)?.range?.[0]) ?? line);
        out.push(this.convert(item as YamlNode, depth + 1));
      }
      return out;
    }
    if (isScalar(node)) {
      const value = node.value;
      if (value instanceof Date) return node.source ?? value.toISOString();
      if (value instanceof Uint8Array) return node.source ?? '';
      if (typeof value === 'bigint') return String(value);
      return value;
    }
    return null;
  }

  private merge(out: Record<string, unknown>, meta: NodeMeta, source: YamlNode, depth: number): void {
    const sources = isSeq(source) ? (source.items as YamlNode[]) : [source];
    for (const item of sources) {
      const value = this.convert(item, depth + 1);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.reject('RAY_YAML_MERGE', 'a merge key (<<) must point at a mapping', item);
        return;
      }
      const from = value as Record<string, unknown>;
      for (const key of Object.keys(from)) {
        if (key in out) continue; // explicit keys and earlier merges win, as YAML 1.1 says
        this.count(1, item);
        out[key] = from[key];
        meta.keys!.set(key, lineOf(from, key) ?? meta.line);
        (meta.merged ??= new Set()).add(key);
      }
    }
  }

  private keyString(node: YamlNode | null, depth: number): string {
    if (node === null) return '';
    if (isScalar(node)) {
      this.checkTag(node);
      const v = node.value;
      return v === null ? '' : typeof v === 'string' ? v : String(v);
    }
    const value = this.convert(node, depth + 1);
    return JSON.stringify(value) ?? '';
  }

  private checkTag(node: YamlNode): void {
    const tag = node.tag;
    if (tag === undefined || tag === '!' || CORE_TAGS.has(tag)) return;
    this.reject(
      'RAY_YAML_TAG',
      `tag ${tag.replace('tag:yaml.org,2002:', '!!')} asks the reader to build an object; raygate never does, and no ` +
        'deployment file needs one (PyYAML-style loaders would run code)',
      node,
    );
  }

  private reject(code: string, message: string, node: YamlNode): void {
    const line = this.lineAt(node.range?.[0]);
    this.rejected = true;
    this.problems.push({
      code,
      severity: 'error',
      message: `${this.file}${line ? `:${line}` : ''}: ${message}; the document was not checked.`,
      file: this.file,
      line,
    });
  }

  private count(n: number, node: YamlNode): void {
    this.budget.nodes += n;
    if (this.budget.nodes > this.budget.max) {
      throw new YamlLimit(
        'RAY_YAML_TOO_LARGE',
        `the YAML expands to more than ${this.budget.max} nodes (an alias bomb or an oversized file); nothing in it was read.`,
        this.lineAt(node.range?.[0]),
      );
    }
  }

  /** Node count of a subtree with every alias expanded, memoised so shared subtrees are measured once. */
  private sizeOf(node: YamlNode, depth: number): number {
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    if (depth > this.maxDepth) return this.budget.max + 1;
    let size = 1;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      size = target ? this.sizeOf(target, depth + 1) : 1;
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        size += 1 + (pair.value ? this.sizeOf(pair.value as YamlNode, depth + 1) : 0);
        if (size > this.budget.max) break;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        size += item ? this.sizeOf(item as YamlNode, depth + 1) : 1;
        if (size > this.budget.max) break;
      }
    }
    this.sizes.set(node, size);
    return size;
  }
}

/** A YAML 1.1 merge key: a plain `<<`, which the parser may already have turned into its merge symbol. */
function isMergeKey(node: YamlNode | null): boolean {
  if (!isScalar(node) || node.type !== 'PLAIN') return false;
  return node.value === '<<' || typeof node.value === 'symbol';
}

/** True for a plain mapping produced by `parseYaml` or JSON. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
