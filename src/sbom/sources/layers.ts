import type { Problem } from '../model.ts';
import type { LayerContents } from './layer-contents.ts';
import { joinLinkTarget } from './layer-contents.ts';

/**
 * The image's final file view, built by applying layers bottom to top with overlay semantics (OCI image
 * spec, "Applying changesets"): whiteouts delete, opaque folders hide what lower layers put in them, a
 * non-folder hides a lower folder of the same path, a folder replaces a lower file or symlink. Pure: it
 * works over LayerContents and never touches a file system. Only what the scan kept is held (wanted files
 * and every symlink), each remembering the layer that wrote it.
 */

export type SquashedNode =
  | {
      kind: 'file';
      layer: string;
      size: number;
      bytes?: Uint8Array;
      /** Content still to be read by a second pass over `layerIndex` at `path` (a hardlink's target). */
      pending?: { layerIndex: number; path: string };
    }
  | { kind: 'symlink'; layer: string; target: string };

export type FileNode = Extract<SquashedNode, { kind: 'file' }>;

interface TrieNode {
  children?: Map<string, TrieNode>;
  node?: SquashedNode;
}

/** One version of a file: the layer that wrote it and its bytes. */
export interface FileVersion {
  layer: string;
  bytes?: Uint8Array;
  size: number;
}

export type Resolution =
  | { ok: true; path: string; node: FileNode }
  | { ok: false; reason: 'missing' | 'loop' | 'not-a-file'; path: string };

export class SquashedImage {
  private readonly root: TrieNode = {};
  /** Earlier versions of kept files, oldest first, reset when the file is deleted. */
  private readonly history = new Map<string, FileVersion[]>();
  private readonly maxLinkHops: number;

  constructor(maxLinkHops = 40) {
    this.maxLinkHops = maxLinkHops;
  }

  /** Applies one layer on top of the layers applied so far. Returns the problems it met. */
  apply(layer: LayerContents): Problem[] {
    const problems: Problem[] = [...layer.problems];
    for (const path of layer.whiteouts) this.remove(path, true);
    for (const dir of layer.opaques) {
      const node = this.lookup(dir);
      if (node?.children) {
        this.forgetHistoryUnder(dir, node);
        node.children = undefined;
      }
    }
    this.mask(this.root, '', layer);

    for (const [path, file] of layer.files) {
      this.set(path, { kind: 'file', layer: layer.digest, size: file.size, bytes: file.bytes });
      this.record(path, { layer: layer.digest, size: file.size, bytes: file.bytes });
    }
    for (const [path, target] of layer.symlinks) {
      this.set(path, { kind: 'symlink', layer: layer.digest, target });
    }
    for (const [path, target] of layer.pendingHardlinks) {
      this.set(path, {
        kind: 'file',
        layer: layer.digest,
        size: 0,
        pending: { layerIndex: layer.index, path: target },
      });
    }
    for (const [path, target] of layer.hardlinks) {
      const source = this.hardlinkSource(layer, target);
      if (source) {
        this.set(path, { ...source, layer: layer.digest });
        this.record(path, { layer: layer.digest, size: source.size, bytes: source.bytes });
      } else {
        problems.push({
          code: 'SBOM_HARDLINK_MISSING',
          severity: 'warning',
          message: `Skipped ${path}: it is a hardlink to ${target}, which the image does not have.`,
          path,
          layer: layer.digest,
        });
      }
    }
    return problems;
  }

  /** The node written at exactly this path, links not followed. */
  get(path: string): SquashedNode | undefined {
    return this.lookup(path)?.node;
  }

  /** Follows symlinks (inside the image only: `..` at `/` stays at `/`) to the regular file a path names. */
  resolve(path: string): Resolution {
    const pending = path.split('/').filter((p) => p !== '' && p !== '.');
    pending.reverse();
    const parts: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop()!;
      if (part === '.' || part === '') continue;
      if (part === '..') {
        parts.pop();
        continue;
      }
      parts.push(part);
      const node = this.lookupParts(parts)?.node;
      if (node?.kind === 'symlink') {
        if (++hops > this.maxLinkHops) return { ok: false, reason: 'loop', path };
        parts.pop();
        const target = joinLinkTarget(`/${parts.join('/')}`, node.target);
        parts.length = 0;
        const rest = target.split('/').filter((p) => p !== '');
        for (let i = rest.length - 1; i >= 0; i--) pending.push(rest[i]!);
      }
    }
    const resolved = `/${parts.join('/')}`;
    const trie = this.lookupParts(parts);
    const node = trie?.node;
    if (!node) return { ok: false, reason: trie?.children ? 'not-a-file' : 'missing', path: resolved };
    if (node.kind !== 'file') return { ok: false, reason: 'not-a-file', path: resolved };
    return { ok: true, path: resolved, node };
  }

  /** Every kept node with its path, in path order. */
  *entries(): Generator<[string, SquashedNode]> {
    const stack: [string, TrieNode][] = [['', this.root]];
    const out: [string, SquashedNode][] = [];
    while (stack.length > 0) {
      const [path, trie] = stack.pop()!;
      if (trie.node && path !== '') out.push([path, trie.node]);
      if (trie.children) for (const [name, child] of trie.children) stack.push([`${path}/${name}`, child]);
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    yield* out;
  }

  /** The versions of a kept file, oldest first, since it was last deleted. */
  versions(path: string): readonly FileVersion[] {
    return this.history.get(path) ?? [];
  }

  /** Fills in the content of a file a second pass read. */
  fill(path: string, bytes: Uint8Array | undefined, size: number): void {
    const node = this.get(path);
    if (node?.kind !== 'file') return;
    const filled: FileNode = { kind: 'file', layer: node.layer, size, bytes };
    this.set(path, filled);
    this.record(path, { layer: node.layer, size, bytes });
  }

  /** Adds a file a second pass found that no earlier pass kept (the target of a wanted symlink). */
  adopt(path: string, layer: string, bytes: Uint8Array | undefined, size: number): void {
    if (this.get(path)) return;
    this.set(path, { kind: 'file', layer, size, bytes });
    this.record(path, { layer, size, bytes });
  }

  private hardlinkSource(layer: LayerContents, target: string): FileNode | undefined {
    let current = target;
    for (let i = 0; i < this.maxLinkHops; i++) {
      const file = layer.files.get(current);
      if (file) return { kind: 'file', layer: layer.digest, size: file.size, bytes: file.bytes };
      const next = layer.hardlinks.get(current);
      if (next === undefined) break;
      current = next;
    }
    // Some builders link to a file a lower layer wrote; the runtime sees that file's content.
    const lower = this.get(current);
    return lower?.kind === 'file' ? lower : undefined;
  }

  /**
   * Drops lower-layer nodes the layer hides: anything under a path the layer writes as a non-folder, and
   * a file or symlink where the layer has a folder. Visits only subtrees the layer touches.
   */
  private mask(trie: TrieNode, path: string, layer: LayerContents): void {
    if (!trie.children) return;
    for (const [name, child] of trie.children) {
      const childPath = `${path}/${name}`;
      if (layer.nonDirs.has(childPath)) {
        // A file rewritten by this layer keeps its history (dpkg status grows layer by layer); whatever
        // lay below the path is gone.
        if (child.children)
          for (const [n, c] of child.children) this.forgetHistoryUnder(`${childPath}/${n}`, c);
        if (child.node?.kind !== 'file') this.history.delete(childPath);
        trie.children.delete(name);
      } else if (layer.dirs.has(childPath)) {
        if (child.node) {
          this.history.delete(childPath);
          child.node = undefined;
        }
        this.mask(child, childPath, layer);
      }
    }
  }

  private set(path: string, node: SquashedNode): void {
    const parts = path.split('/').filter(Boolean);
    let trie = this.root;
    for (const part of parts) {
      if (trie.node && trie !== this.root) trie.node = undefined; // a folder now stands where a file was
      trie.children ??= new Map();
      let next = trie.children.get(part);
      if (!next) {
        next = {};
        trie.children.set(part, next);
      }
      trie = next;
    }
    trie.node = node;
  }

  private remove(path: string, withSubtree: boolean): void {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (name === undefined) return;
    const parent = this.lookupParts(parts);
    const child = parent?.children?.get(name);
    if (!parent || !child) return;
    this.forgetHistoryUnder(path, child);
    if (withSubtree) parent.children!.delete(name);
    else child.node = undefined;
  }

  private record(path: string, version: FileVersion): void {
    const list = this.history.get(path);
    if (list) list.push(version);
    else this.history.set(path, [version]);
  }

  private forgetHistoryUnder(path: string, trie: TrieNode): void {
    this.history.delete(path);
    if (!trie.children) return;
    for (const [name, child] of trie.children) this.forgetHistoryUnder(`${path}/${name}`, child);
  }

  private lookup(path: string): TrieNode | undefined {
    return this.lookupParts(path.split('/').filter(Boolean));
  }

  private lookupParts(parts: readonly string[]): TrieNode | undefined {
    let trie: TrieNode | undefined = this.root;
    for (const part of parts) {
      trie = trie.children?.get(part);
      if (!trie) return undefined;
    }
    return trie;
  }
}
