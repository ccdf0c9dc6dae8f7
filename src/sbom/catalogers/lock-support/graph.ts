import type { Package, Relationship } from '../../model.ts';

/** Looks locked packages up by PEP 503 name, for turning a lock's dependency entries into edges. */
export class PackagesByName {
  readonly #byName = new Map<string, Package[]>();

  constructor(packages: readonly Package[]) {
    for (const pkg of packages) {
      const list = this.#byName.get(pkg.name);
      if (list) list.push(pkg);
      else this.#byName.set(pkg.name, [pkg]);
    }
  }

  get(name: string): readonly Package[] {
    return this.#byName.get(name) ?? [];
  }
}

/** Collects `depends-on` edges without duplicates or self-loops, in insertion order. */
export class EdgeSet {
  readonly #keys = new Set<string>();
  readonly edges: Relationship[] = [];

  add(from: string, to: string): void {
    if (from === to) return;
    const key = `${from}\u0000${to}`;
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.edges.push({ from, to, type: 'depends-on' });
  }
}
