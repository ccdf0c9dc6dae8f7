import type { Relationship } from '../../model.ts';
import { LOCK_LIMITS } from './limits.ts';

/**
 * Lock entries by PEP 503 name and by name + version, for turning dependency entries into edges in
 * constant time per lookup. A real lock holds a name at a handful of versions at most (forks); a name
 * held at more than `maxCandidates` versions is treated as ambiguous for unversioned lookups, so a hostile
 * file cannot make resolution quadratic.
 */
export class NameIndex<T extends { name: string; version?: string }> {
  readonly #byName = new Map<string, T[]>();
  readonly #byNameVersion = new Map<string, T[]>();

  constructor(entries: readonly T[]) {
    for (const e of entries) {
      push(this.#byName, e.name, e);
      if (e.version !== undefined) push(this.#byNameVersion, `${e.name}\u0000${e.version}`, e);
    }
  }

  /** Entries of that name (and version, when given); `undefined` when too many to tell apart. */
  find(name: string, version?: string): readonly T[] | undefined {
    const list =
      version === undefined ? this.#byName.get(name) : this.#byNameVersion.get(`${name}\u0000${version}`);
    if (!list) return [];
    return list.length > LOCK_LIMITS.maxCandidates ? undefined : list;
  }

  count(name: string): number {
    return this.#byName.get(name)?.length ?? 0;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Collects `depends-on` edges without duplicates or self-loops, up to `maxEdges`. */
export class EdgeSet {
  readonly #keys = new Set<string>();
  readonly edges: Relationship[] = [];
  /** True once an edge was dropped for the bound; the parser reports it. */
  full = false;

  add(from: string, to: string): void {
    if (from === to) return;
    const key = `${from}\u0000${to}`;
    if (this.#keys.has(key)) return;
    if (this.edges.length >= LOCK_LIMITS.maxEdges) {
      this.full = true;
      return;
    }
    this.#keys.add(key);
    this.edges.push({ from, to, type: 'depends-on' });
  }
}
